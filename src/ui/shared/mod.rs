//! Pieces every page uses: canvas helpers, virtualised rows, the theme, the
//! crash banner and the debug hooks.

pub mod canvas;
pub mod check;
pub mod clock;
pub mod debug;
pub mod export;
pub mod graph_svg;
pub mod js;
pub mod offline;
pub mod panic;
pub mod table;
pub mod theme;
pub mod time_axis;
pub mod trace_context;
pub mod virtual_rows;
