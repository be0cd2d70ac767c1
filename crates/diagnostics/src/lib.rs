//! Shared vocabulary of every Gatehouse stage: byte [`Span`]s, [`LineIndex`] for line and column,
//! the [`Code`] table, and [`Diagnostic`].
//!
//! This crate has no dependencies and knows no output format: rendering to text, JSON or SARIF
//! is the command-line crate's job.

mod code;
mod diagnostic;
mod line_index;
mod span;

pub use code::{Code, CodeInfo};
pub use diagnostic::{Diagnostic, Label, Severity, Tally};
pub use line_index::{LineCol, LineIndex};
pub use span::Span;
