//! A compact, unambiguous rendering of the tree, for tests and debugging:
//! `context.Request.Headers["a"]` is `(index (member (member (name context) Request) Headers) "a")`.

use std::fmt::Write;

use crate::ast::*;

pub fn body(body: &Body) -> String {
    let mut out = String::new();
    match body {
        Body::Expr(e) => expr(&mut out, e),
        Body::Block(b) => block(&mut out, b),
    }
    out
}

fn ty(out: &mut String, t: &TypeSyntax) {
    match &t.name {
        TypeName::Predefined(p) => out.push_str(p.keyword()),
        TypeName::Qualified(parts) => {
            let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
            out.push_str(&names.join("."));
        }
    }
    if !t.args.is_empty() {
        out.push('<');
        for (i, a) in t.args.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            ty(out, a);
        }
        out.push('>');
    }
    if t.nullable {
        out.push('?');
    }
    for rank in &t.ranks {
        out.push('[');
        for _ in 1..*rank {
            out.push(',');
        }
        out.push(']');
    }
}

fn list(out: &mut String, head: &str, items: &[&Expr]) {
    out.push('(');
    out.push_str(head);
    for item in items {
        out.push(' ');
        expr(out, item);
    }
    out.push(')');
}

fn args(out: &mut String, arguments: &[Argument]) {
    for a in arguments {
        out.push(' ');
        if let Some(name) = &a.name {
            let _ = write!(out, "{}:", name.name);
        }
        match &a.value {
            ArgumentValue::Value(e) => expr(out, e),
            ArgumentValue::Out(e) => {
                out.push_str("(out ");
                expr(out, e);
                out.push(')');
            }
            ArgumentValue::Ref(e) => {
                out.push_str("(ref ");
                expr(out, e);
                out.push(')');
            }
            ArgumentValue::OutDeclaration { ty: t, name } => {
                out.push_str("(out ");
                match t {
                    Some(t) => ty(out, t),
                    None => out.push_str("var"),
                }
                let _ = write!(out, " {})", name.name);
            }
        }
    }
}

fn pattern(out: &mut String, p: &Pattern) {
    match p {
        Pattern::Null => out.push_str("null"),
        Pattern::Type { ty: t, binding } => {
            ty(out, t);
            if let Some(b) = binding {
                let _ = write!(out, " {}", b.name);
            }
        }
        Pattern::Constant(e) => expr(out, e),
    }
}

fn array_items(out: &mut String, items: &[ArrayItem]) {
    out.push('{');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match item {
            ArrayItem::Expr(e) => expr(out, e),
            ArrayItem::Nested(nested, _) => array_items(out, nested),
        }
    }
    out.push('}');
}

fn init_items(out: &mut String, items: &[InitItem]) {
    out.push('{');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        match item {
            InitItem::Member { name, value } => {
                let _ = write!(out, "{}=", name.name);
                match value {
                    InitValue::Expr(e) => expr(out, e),
                    InitValue::Object(nested) => init_items(out, nested),
                }
            }
            InitItem::Index { args: a, value } => {
                out.push('[');
                args(out, a);
                out.push_str(" ]=");
                expr(out, value);
            }
            InitItem::Element { values, .. } => {
                let refs: Vec<&Expr> = values.iter().collect();
                list(out, "add", &refs);
            }
            InitItem::Expr(e) => expr(out, e),
        }
    }
    out.push('}');
}

pub fn expr(out: &mut String, e: &Expr) {
    match &e.kind {
        ExprKind::Literal(l) => match l {
            Literal::Null => out.push_str("null"),
            Literal::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Literal::Int { value, suffix } => {
                let _ = write!(out, "{value}");
                match suffix {
                    IntSuffix::None => {}
                    IntSuffix::U => out.push('u'),
                    IntSuffix::L => out.push('L'),
                    IntSuffix::UL => out.push_str("UL"),
                }
            }
            Literal::Real { text, suffix } => {
                out.push_str(text);
                match suffix {
                    RealSuffix::None => {}
                    RealSuffix::F => out.push('f'),
                    RealSuffix::D => out.push('d'),
                    RealSuffix::M => out.push('m'),
                }
            }
            Literal::String(s) => {
                let _ = write!(out, "{s:?}");
            }
            Literal::Char(c) => {
                let _ = write!(out, "'{}'", String::from_utf16_lossy(&[*c]).escape_debug());
            }
        },
        ExprKind::NamedValue(n) => {
            let _ = write!(out, "{{{{{n}}}}}");
        }
        ExprKind::Name { name, type_args } => {
            let _ = write!(out, "(name {}", name.name);
            for t in type_args {
                out.push(' ');
                ty(out, t);
            }
            out.push(')');
        }
        ExprKind::PredefinedType(p) => {
            let _ = write!(out, "(type {})", p.keyword());
        }
        ExprKind::Member {
            target,
            name,
            type_args,
            conditional,
        } => {
            out.push_str(if *conditional {
                "(?member "
            } else {
                "(member "
            });
            expr(out, target);
            let _ = write!(out, " {}", name.name);
            for t in type_args {
                out.push(' ');
                ty(out, t);
            }
            out.push(')');
        }
        ExprKind::Call { target, args: a } => {
            out.push_str("(call ");
            expr(out, target);
            args(out, a);
            out.push(')');
        }
        ExprKind::Index {
            target,
            args: a,
            conditional,
        } => {
            out.push_str(if *conditional { "(?index " } else { "(index " });
            expr(out, target);
            args(out, a);
            out.push(')');
        }
        ExprKind::Unary { op, operand } => {
            let head = match op {
                UnaryOp::Not => "!",
                UnaryOp::Negate => "neg",
                UnaryOp::Plus => "plus",
                UnaryOp::Complement => "~",
                UnaryOp::PreIncrement => "++x",
                UnaryOp::PreDecrement => "--x",
                UnaryOp::PostIncrement => "x++",
                UnaryOp::PostDecrement => "x--",
            };
            list(out, head, &[operand]);
        }
        ExprKind::Cast { ty: t, operand } => {
            out.push_str("(cast ");
            ty(out, t);
            out.push(' ');
            expr(out, operand);
            out.push(')');
        }
        ExprKind::Binary { op, left, right } => list(out, op.symbol(), &[left, right]),
        ExprKind::Is {
            operand,
            pattern: p,
        } => {
            out.push_str("(is ");
            expr(out, operand);
            out.push(' ');
            pattern(out, p);
            out.push(')');
        }
        ExprKind::As { operand, ty: t } => {
            out.push_str("(as ");
            expr(out, operand);
            out.push(' ');
            ty(out, t);
            out.push(')');
        }
        ExprKind::Conditional {
            condition,
            when_true,
            when_false,
        } => list(out, "?:", &[condition, when_true, when_false]),
        ExprKind::Assign { op, target, value } => {
            let head = match op {
                None => "=".to_owned(),
                Some(op) => format!("{}=", op.symbol()),
            };
            list(out, &head, &[target, value]);
        }
        ExprKind::Lambda { params, body: b } => {
            out.push_str("(lambda (");
            for (i, p) in params.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                if let Some(t) = &p.ty {
                    ty(out, t);
                    out.push(' ');
                }
                out.push_str(&p.name.name);
            }
            out.push_str(") ");
            match b {
                LambdaBody::Expr(e) => expr(out, e),
                LambdaBody::Block(b) => block(out, b),
            }
            out.push(')');
        }
        ExprKind::New {
            ty: t,
            args: a,
            initializer,
        } => {
            out.push_str("(new ");
            ty(out, t);
            args(out, a);
            if let Some(items) = initializer {
                out.push(' ');
                init_items(out, items);
            }
            out.push(')');
        }
        ExprKind::NewArray {
            element,
            sizes,
            items,
        } => {
            out.push_str("(new-array ");
            match element {
                Some(t) => ty(out, t),
                None => out.push('_'),
            }
            for s in sizes {
                out.push_str(" [");
                expr(out, s);
                out.push(']');
            }
            if let Some(items) = items {
                out.push(' ');
                array_items(out, items);
            }
            out.push(')');
        }
        ExprKind::NewAnonymous { members } => {
            out.push_str("(new-anonymous");
            for m in members {
                out.push(' ');
                if let Some(name) = &m.name {
                    let _ = write!(out, "{}=", name.name);
                }
                expr(out, &m.value);
            }
            out.push(')');
        }
        ExprKind::Interpolated { parts } => {
            out.push_str("(interpolated");
            for part in parts {
                out.push(' ');
                match part {
                    InterpolationPart::Text(t) => {
                        let _ = write!(out, "{t:?}");
                    }
                    InterpolationPart::Hole {
                        value,
                        alignment,
                        format,
                    } => {
                        out.push('{');
                        expr(out, value);
                        if let Some(a) = alignment {
                            out.push(',');
                            expr(out, a);
                        }
                        if let Some(f) = format {
                            let _ = write!(out, ":{f}");
                        }
                        out.push('}');
                    }
                }
            }
            out.push(')');
        }
        ExprKind::Typeof(t) => {
            out.push_str("(typeof ");
            ty(out, t);
            out.push(')');
        }
        ExprKind::Default(t) => {
            out.push_str("(default");
            if let Some(t) = t {
                out.push(' ');
                ty(out, t);
            }
            out.push(')');
        }
        ExprKind::Nameof(e) => list(out, "nameof", &[e]),
        ExprKind::Checked(e) => list(out, "checked", &[e]),
        ExprKind::Unchecked(e) => list(out, "unchecked", &[e]),
        ExprKind::This => out.push_str("this"),
        ExprKind::Throw(e) => list(out, "throw", &[e]),
        ExprKind::NullConditionalChain(e) => list(out, "?chain", &[e]),
    }
}

fn declaration(out: &mut String, d: &LocalDeclaration) {
    out.push_str(if d.is_const { "(const " } else { "(local " });
    match &d.ty {
        Some(t) => ty(out, t),
        None => out.push_str("var"),
    }
    for declarator in &d.declarators {
        let _ = write!(out, " {}", declarator.name.name);
        match &declarator.init {
            Some(ArrayItem::Expr(e)) => {
                out.push('=');
                expr(out, e);
            }
            Some(ArrayItem::Nested(items, _)) => {
                out.push('=');
                array_items(out, items);
            }
            None => {}
        }
    }
    out.push(')');
}

fn block(out: &mut String, b: &Block) {
    out.push('{');
    for (i, s) in b.statements.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        stmt(out, s);
    }
    out.push('}');
}

fn stmt(out: &mut String, s: &Stmt) {
    match &s.kind {
        StmtKind::Block(b) => block(out, b),
        StmtKind::Empty => out.push(';'),
        StmtKind::Expr(e) => expr(out, e),
        StmtKind::Local(d) => declaration(out, d),
        StmtKind::LocalFunction {
            return_type,
            name,
            params,
            body: b,
        } => {
            out.push_str("(function ");
            match return_type {
                Some(t) => ty(out, t),
                None => out.push_str("void"),
            }
            let _ = write!(out, " {} (", name.name);
            for (i, p) in params.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                ty(out, &p.ty);
                let _ = write!(out, " {}", p.name.name);
            }
            out.push_str(") ");
            match b {
                LambdaBody::Expr(e) => expr(out, e),
                LambdaBody::Block(b) => block(out, b),
            }
            out.push(')');
        }
        StmtKind::If {
            condition,
            then,
            otherwise,
        } => {
            out.push_str("(if ");
            expr(out, condition);
            out.push(' ');
            stmt(out, then);
            if let Some(o) = otherwise {
                out.push(' ');
                stmt(out, o);
            }
            out.push(')');
        }
        StmtKind::While { condition, body: b } => {
            out.push_str("(while ");
            expr(out, condition);
            out.push(' ');
            stmt(out, b);
            out.push(')');
        }
        StmtKind::DoWhile { body: b, condition } => {
            out.push_str("(do ");
            stmt(out, b);
            out.push(' ');
            expr(out, condition);
            out.push(')');
        }
        StmtKind::For {
            init,
            condition,
            iterators,
            body: b,
        } => {
            out.push_str("(for ");
            match init {
                Some(ForInit::Declaration(d)) => declaration(out, d),
                Some(ForInit::Exprs(es)) => {
                    let refs: Vec<&Expr> = es.iter().collect();
                    list(out, "do", &refs);
                }
                None => out.push('_'),
            }
            out.push(' ');
            match condition {
                Some(c) => expr(out, c),
                None => out.push('_'),
            }
            out.push(' ');
            let refs: Vec<&Expr> = iterators.iter().collect();
            list(out, "do", &refs);
            out.push(' ');
            stmt(out, b);
            out.push(')');
        }
        StmtKind::Foreach {
            ty: t,
            name,
            collection,
            body: b,
        } => {
            out.push_str("(foreach ");
            match t {
                Some(t) => ty(out, t),
                None => out.push_str("var"),
            }
            let _ = write!(out, " {} ", name.name);
            expr(out, collection);
            out.push(' ');
            stmt(out, b);
            out.push(')');
        }
        StmtKind::Switch { subject, sections } => {
            out.push_str("(switch ");
            expr(out, subject);
            for section in sections {
                out.push_str(" (");
                for label in &section.labels {
                    match &label.pattern {
                        Some(p) => {
                            out.push_str("case ");
                            pattern(out, p);
                        }
                        None => out.push_str("default"),
                    }
                    if let Some(g) = &label.guard {
                        out.push_str(" when ");
                        expr(out, g);
                    }
                    out.push_str(": ");
                }
                for (i, s) in section.statements.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    stmt(out, s);
                }
                out.push(')');
            }
            out.push(')');
        }
        StmtKind::Try {
            body: b,
            catches,
            finally,
        } => {
            out.push_str("(try ");
            block(out, b);
            for c in catches {
                out.push_str(" (catch");
                if let Some(t) = &c.ty {
                    out.push(' ');
                    ty(out, t);
                }
                if let Some(n) = &c.name {
                    let _ = write!(out, " {}", n.name);
                }
                if let Some(f) = &c.filter {
                    out.push_str(" when ");
                    expr(out, f);
                }
                out.push(' ');
                block(out, &c.body);
                out.push(')');
            }
            if let Some(f) = finally {
                out.push_str(" (finally ");
                block(out, f);
                out.push(')');
            }
            out.push(')');
        }
        StmtKind::Using { resource, body: b } => {
            out.push_str("(using ");
            match resource {
                UsingResource::Declaration(d) => declaration(out, d),
                UsingResource::Expr(e) => expr(out, e),
            }
            out.push(' ');
            stmt(out, b);
            out.push(')');
        }
        StmtKind::Checked(b) => {
            out.push_str("(checked ");
            block(out, b);
            out.push(')');
        }
        StmtKind::Unchecked(b) => {
            out.push_str("(unchecked ");
            block(out, b);
            out.push(')');
        }
        StmtKind::Return(e) => {
            out.push_str("(return");
            if let Some(e) = e {
                out.push(' ');
                expr(out, e);
            }
            out.push(')');
        }
        StmtKind::Throw(e) => {
            out.push_str("(throw");
            if let Some(e) = e {
                out.push(' ');
                expr(out, e);
            }
            out.push(')');
        }
        StmtKind::Break => out.push_str("(break)"),
        StmtKind::Continue => out.push_str("(continue)"),
    }
}
