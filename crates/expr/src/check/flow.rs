//! C#'s reachability rules, as far as "not all code paths return a value" needs them.

use gatehouse_expr_syntax::ast::{Expr, ExprKind, Literal, Stmt, StmtKind};

/// Can execution run off the end of these statements?
pub(crate) fn can_complete(statements: &[Stmt]) -> bool {
    statements.iter().all(completes)
}

fn constant_bool(expr: &Expr) -> Option<bool> {
    match &expr.kind {
        ExprKind::Literal(Literal::Bool(value)) => Some(*value),
        _ => None,
    }
}

fn completes(statement: &Stmt) -> bool {
    match &statement.kind {
        StmtKind::Return(_) | StmtKind::Throw(_) => false,
        StmtKind::Block(block) | StmtKind::Checked(block) | StmtKind::Unchecked(block) => {
            can_complete(&block.statements)
        }
        StmtKind::If {
            condition,
            then,
            otherwise,
        } => match (constant_bool(condition), otherwise) {
            (Some(true), _) => completes(then),
            (Some(false), Some(otherwise)) => completes(otherwise),
            (Some(false), None) => true,
            (None, Some(otherwise)) => completes(then) || completes(otherwise),
            (None, None) => true,
        },
        StmtKind::While { condition, body } => {
            constant_bool(condition) != Some(true) || breaks(body)
        }
        StmtKind::DoWhile { body, condition } => {
            (completes(body) && constant_bool(condition) != Some(true)) || breaks(body)
        }
        StmtKind::For {
            condition, body, ..
        } => {
            condition
                .as_ref()
                .is_some_and(|c| constant_bool(c) != Some(true))
                || breaks(body)
        }
        StmtKind::Switch { sections, .. } => {
            let has_default = sections
                .iter()
                .any(|section| section.labels.iter().any(|label| label.pattern.is_none()));
            !has_default
                || sections.iter().any(|section| {
                    section.statements.iter().any(breaks_switch)
                        || can_complete(&section.statements)
                })
        }
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            let finally_completes = finally.as_ref().is_none_or(|f| can_complete(&f.statements));
            finally_completes
                && (can_complete(&body.statements)
                    || catches.iter().any(|c| can_complete(&c.body.statements)))
        }
        StmtKind::Using { body, .. } => completes(body),
        _ => true,
    }
}

/// Does `statement` contain a `break` that leaves the loop it is the body of?
fn breaks(statement: &Stmt) -> bool {
    match &statement.kind {
        StmtKind::Break => true,
        StmtKind::Block(block) | StmtKind::Checked(block) | StmtKind::Unchecked(block) => {
            block.statements.iter().any(breaks)
        }
        StmtKind::If {
            then, otherwise, ..
        } => breaks(then) || otherwise.as_deref().is_some_and(breaks),
        StmtKind::Try {
            body,
            catches,
            finally,
        } => {
            body.statements.iter().any(breaks)
                || catches.iter().any(|c| c.body.statements.iter().any(breaks))
                || finally
                    .as_ref()
                    .is_some_and(|f| f.statements.iter().any(breaks))
        }
        StmtKind::Using { body, .. } => breaks(body),
        // A `break` inside a nested loop or switch leaves that one.
        _ => false,
    }
}

fn breaks_switch(statement: &Stmt) -> bool {
    breaks(statement)
}

#[cfg(test)]
mod tests {
    use super::*;
    use gatehouse_expr_syntax::ast::Body;
    use gatehouse_expr_syntax::{Form, SyntaxLimits, parse};

    fn completes_block(code: &str) -> bool {
        match parse(code, Form::Block, &SyntaxLimits::default()).unwrap() {
            Body::Block(block) => can_complete(&block.statements),
            Body::Expr(_) => panic!("not a block"),
        }
    }

    #[test]
    fn reachability() {
        assert!(!completes_block("return 1;"));
        assert!(completes_block("if (x) return 1;"));
        assert!(!completes_block("if (x) return 1; else return 2;"));
        assert!(!completes_block(
            "if (x) { return 1; } else { throw new Exception(); }"
        ));
        assert!(!completes_block("while (true) { }"));
        assert!(completes_block("while (true) { break; }"));
        assert!(!completes_block("while (true) { while (y) { break; } }"));
        assert!(!completes_block("for (;;) { }"));
        assert!(completes_block("switch (x) { case 1: return 1; }"));
        assert!(!completes_block(
            "switch (x) { case 1: return 1; default: return 2; }"
        ));
        assert!(!completes_block(
            "try { return 1; } catch (Exception) { return 2; }"
        ));
        assert!(completes_block("try { return 1; } catch (Exception) { }"));
        assert!(!completes_block(
            "try { } finally { throw new Exception(); }"
        ));
        assert!(!completes_block("if (true) return 1;"));
    }
}
