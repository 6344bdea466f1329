//! What every feature's pages share: the not-found and server-trouble
//! pages with their HTTP status, the notice line, reading the query, how
//! times read (`format`), and the two islands that show times (the live
//! countdown and a time in the viewer's zone).

pub mod format;
mod islands;
mod notice;
mod query;
mod status;

pub use islands::{Countdown, ViewerTime};
pub use notice::NoticeLine;
pub use query::q;
pub use status::{NotFound, ServerTrouble, set_status};
