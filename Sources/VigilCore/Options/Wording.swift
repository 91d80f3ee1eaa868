/// Whose words vigil's log lines use. Log scrapers and tests written for tini grep for tini's
/// texts, so under tini's names the lines they look for read as tini's.
enum Wording: Equatable {
    case vigil
    case tini
}
