//! View models.
