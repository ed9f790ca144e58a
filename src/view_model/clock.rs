//! Which clock absolute times are shown on: UTC (the default, the same for
//! everyone a link is shared with) or the browser's local time.

/// The clock chosen.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Zone {
    /// Coordinated Universal Time.
    #[default]
    Utc,
    /// The browser's time zone (its offset at each instant, so summer time
    /// is followed).
    Local,
}

impl Zone {
    /// The zone a saved name stands for (nothing saved: UTC).
    pub fn from_saved(name: Option<&str>) -> Zone {
        match name {
            Some("local") => Zone::Local,
            _ => Zone::Utc,
        }
    }

    /// The name saved for it.
    pub fn saved_name(self) -> &'static str {
        match self {
            Zone::Utc => "utc",
            Zone::Local => "local",
        }
    }

    /// The other one (what the switch changes to).
    pub fn other(self) -> Zone {
        match self {
            Zone::Utc => Zone::Local,
            Zone::Local => Zone::Utc,
        }
    }

    /// What the switch says it shows now.
    pub fn label(self) -> &'static str {
        match self {
            Zone::Utc => "UTC",
            Zone::Local => "Local time",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_reads_back_and_anything_else_is_utc() {
        for z in [Zone::Utc, Zone::Local] {
            assert_eq!(Zone::from_saved(Some(z.saved_name())), z);
            assert_eq!(z.other().other(), z);
            assert_ne!(z.other(), z);
        }
        assert_eq!(Zone::from_saved(None), Zone::Utc);
        assert_eq!(Zone::from_saved(Some("mars")), Zone::Utc);
    }
}
