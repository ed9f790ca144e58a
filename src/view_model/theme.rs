//! The colour theme: the system's, or light or dark as chosen.

/// The theme chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

impl Theme {
    /// The theme a saved name stands for (nothing saved: the system's).
    pub fn from_saved(name: Option<&str>) -> Theme {
        match name {
            Some("light") => Theme::Light,
            Some("dark") => Theme::Dark,
            _ => Theme::System,
        }
    }

    /// The name saved for it (none for the system's: nothing is saved).
    pub fn saved_name(self) -> Option<&'static str> {
        match self {
            Theme::Light => Some("light"),
            Theme::Dark => Some("dark"),
            Theme::System => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_choice_reads_back_and_anything_else_follows_the_system() {
        for t in [Theme::Light, Theme::Dark, Theme::System] {
            assert_eq!(Theme::from_saved(t.saved_name()), t);
        }
        assert_eq!(Theme::from_saved(Some("purple")), Theme::System);
    }
}
