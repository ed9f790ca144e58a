//! Service colours: keyed by the service's name, so a service has the same
//! colour in every trace, view, legend and both lanes of Compare.
//!
//! Each name hashes (FNV-1a, the same on every platform and build) to a
//! preferred slot of the palette. Names are placed in the order of their
//! hashes (then the names), each in its preferred slot if that is still free,
//! else the next free one; once every slot is taken, a new round begins. So
//! two loaded services share a colour only when there are more services than
//! colours, and the result depends on the set of names, not on the order the
//! files were opened.
//!
//! ```text
//! palette      0    1    2    3    4   …  11
//! "cart"       ·    ·    ■              preferred 2: free, taken
//! "db"         ·    ·    x    ■         preferred 2: taken, next free is 3
//! ```

use crate::model::hash::FxHashMap;
use crate::model::strings::StrId;
use crate::model::Trace;

/// Service colours cycle through this many CSS variables (`--svc-0`…).
pub const PALETTE: usize = 12;

/// The CSS colour of palette slot `slot` (the stylesheet's `--svc-N`).
pub fn css_var(slot: usize) -> String {
    format!("var(--svc-{slot})")
}

/// 32-bit FNV-1a of `name`: fixed by definition, unlike the hash maps' hashes.
pub fn stable_hash(name: &str) -> u32 {
    let mut h: u32 = 0x811c_9dc5;
    for &b in name.as_bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    h
}

/// The slot a name prefers when it has the palette to itself.
pub fn preferred_slot(name: &str) -> usize {
    stable_hash(name) as usize % PALETTE
}

/// Palette slots of every service name in the loaded traces.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceColours {
    slots: FxHashMap<String, u8>,
}

impl ServiceColours {
    /// Places every distinct name (duplicates are fine).
    pub fn new<'a>(names: impl IntoIterator<Item = &'a str>) -> ServiceColours {
        let mut names: Vec<(u32, &str)> = names.into_iter().map(|n| (stable_hash(n), n)).collect();
        names.sort_unstable();
        names.dedup();
        let mut slots: FxHashMap<String, u8> = FxHashMap::default();
        slots.reserve(names.len());
        let mut taken = [false; PALETTE];
        let mut free = PALETTE;
        for (hash, name) in names {
            if free == 0 {
                taken = [false; PALETTE];
                free = PALETTE;
            }
            let want = hash as usize % PALETTE;
            let slot = (0..PALETTE)
                .map(|k| (want + k) % PALETTE)
                .find(|&s| !taken.get(s).copied().unwrap_or(true))
                .unwrap_or(want);
            if let Some(t) = taken.get_mut(slot) {
                *t = true;
            }
            free -= 1;
            slots.insert(name.to_string(), slot as u8);
        }
        ServiceColours { slots }
    }

    /// Every service of `traces`.
    pub fn of_traces<'a>(traces: impl IntoIterator<Item = &'a Trace>) -> ServiceColours {
        let names: Vec<&str> = traces
            .into_iter()
            .flat_map(|t| t.services.iter().map(move |(s, _)| t.str(*s)))
            .collect();
        ServiceColours::new(names)
    }

    /// The slot of `name`; a name not placed gets its preferred slot.
    pub fn slot(&self, name: &str) -> usize {
        self.slots
            .get(name)
            .map_or_else(|| preferred_slot(name), |&s| usize::from(s))
    }

    /// The slots of `trace`'s services, for drawing many spans quickly.
    pub fn for_trace(&self, trace: &Trace) -> TraceColours {
        TraceColours {
            slots: trace
                .services
                .iter()
                .map(|(s, _)| self.slot(trace.str(*s)) as u8)
                .collect(),
        }
    }
}

/// Palette slots of one trace's services, indexed like [`Trace::services`].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TraceColours {
    slots: Vec<u8>,
}

impl TraceColours {
    /// Colours of `trace` on its own (when nothing else is loaded).
    pub fn alone(trace: &Trace) -> TraceColours {
        ServiceColours::of_traces([trace]).for_trace(trace)
    }

    /// The palette slot of `service` in `trace`.
    pub fn slot(&self, trace: &Trace, service: StrId) -> usize {
        self.slots
            .get(trace.service_index(service))
            .map_or(0, |&s| usize::from(s))
    }

    /// The CSS colour of `service` in `trace`.
    pub fn css(&self, trace: &Trace, service: StrId) -> String {
        css_var(self.slot(trace, service))
    }

    /// The slot of the service at `index` of [`Trace::services`].
    pub fn slot_at(&self, index: usize) -> usize {
        self.slots.get(index).map_or(0, |&s| usize::from(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fnv_1a() {
        // Published FNV-1a 32-bit test vectors.
        assert_eq!(stable_hash(""), 0x811c_9dc5);
        assert_eq!(stable_hash("a"), 0xe40c_292c);
        assert_eq!(stable_hash("foobar"), 0xbf9c_f968);
    }

    #[test]
    fn up_to_a_palette_of_services_all_differ_whatever_the_order() {
        let names: Vec<String> = (0..PALETTE).map(|i| format!("service-{i}")).collect();
        let a = ServiceColours::new(names.iter().map(String::as_str));
        let b = ServiceColours::new(names.iter().rev().map(String::as_str));
        let mut slots: Vec<usize> = names.iter().map(|n| a.slot(n)).collect();
        assert_eq!(slots, names.iter().map(|n| b.slot(n)).collect::<Vec<_>>());
        slots.sort_unstable();
        slots.dedup();
        assert_eq!(slots.len(), PALETTE);
    }

    #[test]
    fn a_lone_service_gets_its_preferred_slot() {
        for name in ["cart", "frontend", "db", "payment"] {
            assert_eq!(ServiceColours::new([name]).slot(name), preferred_slot(name));
        }
    }
}
