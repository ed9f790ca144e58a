//! Which column a table is sorted by, and how a click on a header changes it.

/// A table's order: a column, and whether the largest (or last) comes first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sorting<C> {
    /// The column sorted by.
    pub column: C,
    /// True for largest first (numbers) or Z to A (names).
    pub descending: bool,
}

impl<C: Copy + PartialEq> Sorting<C> {
    /// Sorted by `column`, largest first.
    pub fn by(column: C, descending: bool) -> Sorting<C> {
        Sorting { column, descending }
    }

    /// After a click on `column`'s header: the same column flips; another
    /// column starts with names A to Z (`is_text`) or numbers largest first.
    pub fn clicked(self, column: C, is_text: bool) -> Sorting<C> {
        if self.column == column {
            Sorting {
                column,
                descending: !self.descending,
            }
        } else {
            Sorting {
                column,
                descending: !is_text,
            }
        }
    }

    /// The mark after `column`'s label: ▾ sorted down, ▴ up, nothing.
    pub fn arrow(self, column: C) -> &'static str {
        match (self.column == column, self.descending) {
            (true, true) => " ▾",
            (true, false) => " ▴",
            (false, _) => "",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_click_on_the_sorted_column_flips_it() {
        let s = Sorting::by("total", true);
        assert_eq!(s.clicked("total", false), Sorting::by("total", false));
        assert_eq!(s.clicked("total", false).clicked("total", false), s);
    }

    #[test]
    fn another_column_starts_names_a_to_z_and_numbers_largest_first() {
        let s = Sorting::by("total", true);
        assert_eq!(s.clicked("service", true), Sorting::by("service", false));
        assert_eq!(
            Sorting::by("service", false).clicked("count", false),
            Sorting::by("count", true)
        );
    }

    #[test]
    fn only_the_sorted_column_has_an_arrow() {
        let s = Sorting::by("count", true);
        assert_eq!(s.arrow("count"), " ▾");
        assert_eq!(s.arrow("total"), "");
        assert_eq!(Sorting::by("count", false).arrow("count"), " ▴");
    }
}
