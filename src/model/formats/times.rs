//! One rule for a span's start and length, shared by every reader.
//!
//! Readers hand over times wide and signed (`i128` nanoseconds since the
//! Unix epoch), so nothing wraps on the way in; the rule brings them into the
//! model's `u64` nanoseconds and says what it changed:
//!
//! ```text
//!                 1970
//! file        |----+---------|           starts before 1970 (negative)
//! model            |---------|           start moved to 1970, end kept    StartBeforeEpoch
//!
//! file             |------------------------ … ---------|   over 100 years
//! model            |-------------- 100 years --|            length clamped  OverlongDuration
//!
//! file          end |<------| start      ends before it starts
//! model                     |            length 0                         NegativeDuration
//! ```
//!
//! A start past the year 2554 (beyond 64-bit nanoseconds) cannot be shown:
//! it is set to the epoch, like any unreadable time.

use super::super::warnings::{WarningKind, Warnings};

/// The longest a span may last: 100 years of 365.25 days, in nanoseconds.
/// Longer spans (an end of `u64::MAX`, a garbled timestamp) are clamped, so
/// a trace's extent, the ruler and every sum over durations stay finite.
pub const MAX_DURATION_NANOS: u64 = 36_525 * 86_400 * 1_000_000_000;

/// A time in whole units (`nanos_per_unit`: 1000 for microseconds) as wide
/// nanoseconds, saturating rather than wrapping.
pub fn wide_nanos(units: i128, nanos_per_unit: i128) -> i128 {
    units.saturating_mul(nanos_per_unit)
}

/// A time in fractional units (seconds, microseconds) as wide nanoseconds;
/// `None` for NaN and infinities. Huge values saturate.
pub fn wide_nanos_f64(units: f64, nanos_per_unit: f64) -> Option<i128> {
    let nanos = (units * nanos_per_unit).round();
    // `as` saturates at the ends of i128 (and NaN would become 0).
    nanos.is_finite().then_some(nanos as i128)
}

/// A span's `(start_unix_nanos, duration_nanos)` from its start and end as
/// the file gave them (see the module's picture). `span` names the span in
/// the first warning of each kind.
pub fn span_times(
    warnings: &mut Warnings,
    start_nanos: i128,
    end_nanos: i128,
    span: impl Fn() -> String,
) -> (u64, u64) {
    let Ok(start) = u64::try_from(start_nanos.max(0)) else {
        warnings.add(WarningKind::UnreadableTime, || {
            format!("{}: starts after the year 2554", span())
        });
        return (0, 0);
    };
    if start_nanos < 0 {
        warnings.add(WarningKind::StartBeforeEpoch, &span);
    }
    if end_nanos < start_nanos {
        warnings.add(WarningKind::NegativeDuration, &span);
        return (start, 0);
    }
    // Non-negative: the end is at or after the (possibly moved) start, or
    // the whole span lies before 1970 and keeps no length.
    let length = end_nanos.saturating_sub(i128::from(start)).max(0);
    let duration = match u64::try_from(length) {
        Ok(d) if d <= MAX_DURATION_NANOS => d,
        _ => {
            warnings.add(WarningKind::OverlongDuration, &span);
            MAX_DURATION_NANOS
        }
    };
    // A span starting after 2454 may still run past 2554: end it there.
    (start, duration.min(u64::MAX - start))
}

/// An instant (an event, a log) as the model's nanoseconds: a time outside
/// 1970..2554 is placed at the nearer end. Spans carry the warning; their
/// events follow them.
pub fn instant_nanos(wide_nanos: i128) -> u64 {
    u64::try_from(wide_nanos.max(0)).unwrap_or(u64::MAX)
}

/// Microseconds (fractional) as wide nanoseconds; 0 when missing or not finite.
pub fn micros_to_nanos(v: Option<super::lenient::LenientF64>) -> i128 {
    v.and_then(|t| wide_nanos_f64(t.0, 1000.0)).unwrap_or(0)
}
