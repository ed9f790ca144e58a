//! Text forms of times, durations and sizes, for people and for `data-*`
//! attributes.

/// Nanoseconds as microseconds for machine-readable attributes: an integer
/// when whole, otherwise with the nanosecond digits (`1234.5`).
pub fn micros_attr(nanos: u64) -> String {
    let whole = nanos / 1000;
    let frac = nanos % 1000;
    if frac == 0 {
        whole.to_string()
    } else {
        let digits = format!("{frac:03}");
        format!("{whole}.{}", digits.trim_end_matches('0'))
    }
}

/// A duration for people: `850ns`, `12.3µs`, `4.56ms`, `1.23s`, `2m 5s`.
pub fn duration(nanos: u64) -> String {
    let n = nanos as f64;
    if nanos < 1_000 {
        format!("{nanos}ns")
    } else if nanos < 1_000_000 {
        format!("{}µs", trim(n / 1e3))
    } else if nanos < 1_000_000_000 {
        format!("{}ms", trim(n / 1e6))
    } else if nanos < 60_000_000_000 {
        format!("{}s", trim(n / 1e9))
    } else if nanos < 3_600_000_000_000 {
        let secs = nanos / 1_000_000_000;
        format!("{}m {}s", secs / 60, secs % 60)
    } else if nanos < 86_400_000_000_000 {
        let mins = nanos / 60_000_000_000;
        format!("{}h {}m", mins / 60, mins % 60)
    } else if nanos < 365 * 86_400_000_000_000 {
        let hours = nanos / 3_600_000_000_000;
        format!("{}d {}h", hours / 24, hours % 24)
    } else {
        // Years of 365.25 days: clamped spans last up to a century.
        format!("{}y", trim(n / (365.25 * 86_400e9)))
    }
}

/// The first `max` characters of `text`.
pub fn prefix(text: &str, max: usize) -> &str {
    match text.char_indices().nth(max) {
        Some((at, _)) => &text[..at],
        None => text,
    }
}

/// The first `max` characters of `text`, "…" marking a cut.
pub fn clip(text: &str, max: usize) -> String {
    let head = prefix(text, max);
    if head.len() < text.len() {
        format!("{head}…")
    } else {
        text.to_string()
    }
}

/// A signed duration: `+12ms`, `-3.5µs`.
pub fn signed_duration(nanos: i64) -> String {
    let sign = if nanos < 0 { '-' } else { '+' };
    format!("{sign}{}", duration(nanos.unsigned_abs()))
}

/// Three significant digits, no trailing zeros.
fn trim(v: f64) -> String {
    let s = if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    };
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// A UTC wall-clock time with milliseconds: `2026-11-22 08:03:12.345 UTC`.
pub fn utc_time(unix_nanos: u64) -> String {
    wall_time(unix_nanos, None)
}

/// A wall-clock time with milliseconds, in UTC (`offset_minutes` None) or
/// in a zone that many minutes ahead of UTC, which it names:
/// `2026-11-22 09:03:12.345 UTC+01:00`.
pub fn wall_time(unix_nanos: u64, offset_minutes: Option<i32>) -> String {
    let shift = i128::from(offset_minutes.unwrap_or(0)) * 60_000_000_000;
    let unix_nanos = (i128::from(unix_nanos) + shift).clamp(0, i128::from(u64::MAX)) as u64;
    let zone = match offset_minutes {
        None => String::from("UTC"),
        Some(m) => format!(
            "UTC{}{:02}:{:02}",
            if m < 0 { '-' } else { '+' },
            m.unsigned_abs() / 60,
            m.unsigned_abs() % 60
        ),
    };
    let secs = unix_nanos / 1_000_000_000;
    let millis = (unix_nanos / 1_000_000) % 1000;
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}.{millis:03} {zone}",
        rem / 3600,
        (rem / 60) % 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian
/// (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Bytes as "850 MB", "1.7 GB" (and "12 kB" for the small budgets of tests).
pub fn mb(bytes: u64) -> String {
    if bytes >= 1_000_000_000 {
        format!("{:.1} GB", bytes as f64 / 1e9)
    } else if bytes >= 1_000_000 {
        format!("{} MB", (bytes as f64 / 1e6).round())
    } else {
        format!("{} kB", (bytes as f64 / 1e3).round())
    }
}

/// `1 span`, `3 spans`: a count and its noun, plural unless it is one
/// (nouns that take an `s`).
pub fn counted(n: impl Into<u64>, noun: &str) -> String {
    let n = n.into();
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn micros() {
        assert_eq!(micros_attr(1_234_000), "1234");
        assert_eq!(micros_attr(1_234_500), "1234.5");
        assert_eq!(micros_attr(7), "0.007");
    }

    #[test]
    fn durations() {
        assert_eq!(duration(850), "850ns");
        assert_eq!(duration(12_345), "12.3µs");
        assert_eq!(duration(4_560_000), "4.56ms");
        assert_eq!(duration(1_000_000_000), "1s");
        assert_eq!(duration(125_000_000_000), "2m 5s");
        assert_eq!(duration(2 * 3_600_000_000_000 + 60_000_000_000), "2h 1m");
        assert_eq!(
            duration(3 * 86_400_000_000_000 + 3_600_000_000_000),
            "3d 1h"
        );
        assert_eq!(duration(3_155_760_000_000_000_000), "100y");
        assert_eq!(duration(u64::MAX), "585y");
    }

    #[test]
    fn counts_take_their_plural() {
        assert_eq!(counted(1u32, "span"), "1 span");
        assert_eq!(counted(0u32, "span"), "0 spans");
        assert_eq!(counted(12u64, "call"), "12 calls");
    }

    #[test]
    fn wall_clock() {
        assert_eq!(utc_time(0), "1970-01-01 00:00:00.000 UTC");
        // Local time names its offset; the date moves with it.
        let t = 1_700_000_000_123_000_000; // 2023-11-14 22:13:20.123 UTC
        assert_eq!(wall_time(t, Some(60)), "2023-11-14 23:13:20.123 UTC+01:00");
        assert_eq!(wall_time(t, Some(150)), "2023-11-15 00:43:20.123 UTC+02:30");
        assert_eq!(
            wall_time(t, Some(-300)),
            "2023-11-14 17:13:20.123 UTC-05:00"
        );
        assert_eq!(wall_time(t, None), utc_time(t));
        // The ends of time stay in range.
        assert_eq!(wall_time(0, Some(-60)), "1970-01-01 00:00:00.000 UTC-01:00");
        assert!(wall_time(u64::MAX, Some(60)).ends_with("UTC+01:00"));
        assert_eq!(
            utc_time(1_700_000_000_123_000_000),
            "2023-11-14 22:13:20.123 UTC"
        );
    }
}
