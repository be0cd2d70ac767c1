//! The syntax of APIM policy expressions: the C# 7 subset of `grammar/expressions.pest`, parsed
//! into an [`ast`] whose spans are byte offsets into the expression's code.
//!
//! Parsing is bounded: a cheap pre-scan refuses code that nests deeper than
//! [`SyntaxLimits::max_nesting`] before pest's recursive descent sees it, and the lowering
//! refuses to build a tree deeper than [`SyntaxLimits::max_depth`], so no input can exhaust the
//! stack here or in any later pass over the tree. pest's parser takes tens of kilobytes of
//! stack per level of nesting in a debug build, so parsing runs on a stack segment of its own
//! ([`PARSE_STACK`]), whatever thread calls it.
//!
//! ```
//! use gatehouse_expr_syntax::{parse, Form, SyntaxLimits, ast::Body};
//! let body = parse(r#"context.Request.Headers.GetValueOrDefault("X-Id", "")"#, Form::Inline, &SyntaxLimits::default()).unwrap();
//! assert!(matches!(body, Body::Expr(_)));
//! ```

pub mod ast;
mod newer_csharp;
mod parser;
mod prescan;
pub mod sexpr;

use gatehouse_diagnostics::{Code, Diagnostic, Span};

/// GH0106 for C# 7 tuples, `(1, "a")` and `var (a, b) = …`: they are `System.ValueTuple`,
/// which APIM's list of allowed types does not have. The parser reports the first form, the
/// checker the second (which parses as a call of `var`).
pub const TUPLE_NOT_ALLOWED: (&str, &str) = (
    "tuples are `System.ValueTuple`, which is not on APIM's list of allowed types",
    "use `Tuple.Create(a, b)` (`System.Tuple` is allowed) and its `Item1`, `Item2`, an array, or separate variables",
);

/// Which form the code comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Form {
    /// `@( expression )`
    Inline,
    /// `@{ statements }`
    Block,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxLimits {
    /// Brackets plus right-nested operators (`?:`, `=>`, `=`) open at once.
    pub max_nesting: u32,
    /// Height of the expression tree.
    pub max_depth: u32,
}

impl Default for SyntaxLimits {
    fn default() -> Self {
        SyntaxLimits {
            max_nesting: 100,
            max_depth: 256,
        }
    }
}

/// The stack segment parsing runs on: room for the deepest nesting the default limits allow,
/// with a wide margin, even in a debug build. Only the pages it touches are committed.
pub const PARSE_STACK: usize = 16 * 1024 * 1024;

/// Parses the code of one expression. The error's span is relative to the code.
pub fn parse(code: &str, form: Form, limits: &SyntaxLimits) -> Result<ast::Body, Diagnostic> {
    stacker::grow(PARSE_STACK, || parse_here(code, form, limits))
}

fn parse_here(code: &str, form: Form, limits: &SyntaxLimits) -> Result<ast::Body, Diagnostic> {
    if let Some(at) = prescan::too_deep(code, limits.max_nesting) {
        return Err(Diagnostic::new(
            Code::ExpressionTooDeep,
            Span::from_range(at..at + 1),
            format!(
                "expression nests more than {} levels deep",
                limits.max_nesting
            ),
        )
        .with_help("split it into local variables in a `@{ … }` block"));
    }
    parser::parse(code, form == Form::Block, limits.max_depth)
}
