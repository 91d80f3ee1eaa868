extension LogText {
    /// `items` joined with ", ". When that is longer than `budget` bytes, as many items as fit
    /// with the count first and the rest counted last, so that a cut line still says how many
    /// there were: "1000 processes: 4 (a), 5 (b), ... and 742 more".
    static func list(_ items: [LogText], counting noun: LogText, within budget: Int) -> LogText {
        var whole: LogText = ""
        for item in items {
            if !whole.bytes.isEmpty { whole.append(", ") }
            whole.append(item)
        }
        if whole.bytes.count <= budget { return whole }
        var text: LogText = "\(items.count) "
        text.append(noun)
        text.append(": ")
        // Room for ", ... and N more" with N of up to 19 digits.
        let tail = 34
        var shown = 0
        for item in items {
            let separator = shown == 0 ? 0 : 2
            guard text.bytes.count + separator + item.bytes.count + tail <= budget else { break }
            if shown > 0 { text.append(", ") }
            text.append(item)
            shown += 1
        }
        text.append(shown == 0 ? "... and \(items.count - shown) more" : ", ... and \(items.count - shown) more")
        return text
    }
}
