//! .NET behaviour that is not C#: formatting, parsing, calendars, encodings.

pub mod base64;
pub mod certificate;
pub mod guid;
pub mod number;
pub mod random;
pub mod time;
pub mod uri;
pub mod xsd;
