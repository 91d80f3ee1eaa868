/// The names a supervisord value may use as `%(name)s`, with their values, in the order a Python
/// dict would keep them: the order shows when a value writes `%s` without a name, which prints
/// the whole dict.
struct Expansions: Equatable {
    enum Value: Equatable {
        case text([UInt8])
        case number(Int64)
    }

    struct Binding: Equatable {
        var name: [UInt8]
        var value: Value
    }

    private(set) var entries: [Binding] = []

    init() {}

    @inline(never)
    func value(_ name: ArraySlice<UInt8>) -> Value? {
        entries.first { $0.name.elementsEqual(name) }?.value
    }

    /// `dict[name] = value`: in place when present, else at the end.
    @inline(never)
    mutating func set(_ name: [UInt8], _ value: Value) {
        if let index = entries.firstIndex(where: { $0.name == name }) {
            entries[index].value = value
        } else {
            entries.append(Binding(name: name, value: value))
        }
    }

    @inline(never)
    mutating func set(_ name: String, _ text: String) { set(PythonText.bytes(name), .text(PythonText.bytes(text))) }

    /// `dict.update(other)`.
    @inline(never)
    mutating func update(_ other: Expansions) {
        for entry in other.entries { set(entry.name, entry.value) }
    }

    /// The names, in Python's sorted order (code points, which is UTF-8's byte order).
    var sortedNames: [String] {
        StableOrder.strings(entries.map { String(decoding: $0.name, as: UTF8.self) })
    }
}

/// Expansions in layers, looked up from the last: supervisor combines dicts as
/// `dict(list(a.items()) + list(b.items()))`, which is `a` overridden by `b`. Combining lazily
/// keeps a lookup cheap however many environment variables there are.
struct ExpansionScope {
    var layers: [Expansions]

    init(_ layers: [Expansions]) { self.layers = layers }

    @inline(never)
    func value(_ name: ArraySlice<UInt8>) -> Expansions.Value? {
        for layer in layers.reversed() {
            if let found = layer.value(name) { return found }
        }
        return nil
    }

    /// The dict the layers make, in its order.
    var combined: Expansions {
        var result = Expansions()
        for layer in layers { result.update(layer) }
        return result
    }
}
