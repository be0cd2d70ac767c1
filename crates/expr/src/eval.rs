//! The evaluator: walks compiled [`crate::ir`] against one request's [`Context`].
//!
//! It cannot panic and cannot run away: every statement, loop iteration and call costs a step
//! from a budget, nested calls are counted against a depth limit, and library code charges for
//! the memory it allocates. .NET exceptions are [`Fault`]s that `try`/`catch` can catch; limit
//! faults cannot be caught, so `try { while (true) {} } catch {}` still stops.

use std::sync::{Arc, OnceLock};

use gatehouse_diagnostics::Span;
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};

use crate::context::Context;
use crate::ir::{
    BinOp, CompoundOp, Convert, Function, FunctionBody, InterpolationPart, Ir, LocalRef, Operand,
    Place, Stmt, SwitchLabel, UnOp,
};
use crate::library::{Call, NativeFn};
use crate::net::time::{self, DateTime, DateTimeOffset, TimeSpan};
use crate::types::{self, Class, Conversion, EnumKind, Generic, Type};
use crate::value::{self, Closure, Frame, Object, Value};

/// Bounds on one evaluation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Statements, loop iterations, calls and allocation units (16 bytes each).
    pub max_steps: u64,
    /// Nested calls of lambdas and local functions.
    pub max_call_depth: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_steps: 1_000_000,
            max_call_depth: 64,
        }
    }
}

/// A .NET exception in flight.
#[derive(Debug, Clone)]
pub struct Exception {
    pub class: Class,
    pub message: String,
    /// The exception object, for `catch (Exception e)`.
    pub object: Value,
    /// Where it was thrown.
    pub span: Span,
}

#[derive(Debug)]
pub enum FaultKind {
    Exception(Exception),
    /// The step budget ran out.
    StepLimit {
        span: Span,
        limit: u64,
    },
    /// Calls nested too deeply.
    CallDepth {
        span: Span,
        limit: u32,
    },
    /// A `?.` found null: unwinds to the end of its chain (never escapes an expression).
    NullChain,
}

/// Why an evaluation stopped early. Boxed: the happy path returns small `Result`s.
#[derive(Debug)]
pub struct Fault(pub Box<FaultKind>);

impl Fault {
    /// Throws a new exception of `class`.
    pub fn throw(class: Class, message: impl Into<String>, span: Span) -> Fault {
        let message = message.into();
        let object = Value::object(Object::Exception {
            class,
            message: message.clone(),
        });
        Fault(Box::new(FaultKind::Exception(Exception {
            class,
            message,
            object,
            span,
        })))
    }

    pub fn kind(&self) -> &FaultKind {
        &self.0
    }

    fn null_chain() -> Fault {
        Fault(Box::new(FaultKind::NullChain))
    }
}

/// How a statement list ended.
enum Flow {
    Normal,
    Break,
    Continue,
    Return(Value),
}

/// The evaluation context: the request, the budget, and the bookkeeping of the current run.
pub struct Cx<'a> {
    pub context: &'a Context,
    pub limits: Limits,
    steps: u64,
    depth: u32,
    /// Nested query iterators being advanced (`q.Where(…).Where(…)…`), to know when to make
    /// sure of the stack.
    pub(crate) iterator_depth: u32,
    /// Objects under construction in initializers, innermost last.
    init_targets: Vec<Value>,
    /// Exceptions being handled, innermost last, for `throw;`.
    handling: Vec<Exception>,
    /// Frames of finished calls, for reuse.
    spare_frames: Vec<Arc<Frame>>,
    /// Locals of leaf functions (those that make no closures), which need no shared frame.
    stack: Vec<Value>,
    /// Where the running leaf function's locals start in `stack`; `None` when the running
    /// function keeps its locals in a frame.
    leaf_base: Option<usize>,
    /// Frames and containers that may be in reference cycles, freed by [`Cx::collect_cycles`].
    cycles: crate::cycles::Cycles,
}

impl std::fmt::Debug for Cx<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cx")
            .field("steps", &self.steps)
            .field("depth", &self.depth)
            .finish_non_exhaustive()
    }
}

/// The `context` value: one shared marker object; its members read [`Cx::context`].
pub fn context_value() -> Value {
    static CONTEXT: OnceLock<Value> = OnceLock::new();
    CONTEXT
        .get_or_init(|| Value::object(Object::Context))
        .clone()
}

impl<'a> Cx<'a> {
    pub fn new(context: &'a Context, limits: Limits) -> Self {
        Cx {
            context,
            limits,
            steps: 0,
            depth: 0,
            iterator_depth: 0,
            init_targets: Vec::new(),
            handling: Vec::new(),
            spare_frames: Vec::new(),
            stack: Vec::new(),
            leaf_base: None,
            cycles: crate::cycles::Cycles::default(),
        }
    }

    /// Frees the reference cycles the evaluation made (see [`crate::cycles`]). Call it after
    /// [`Cx::run`] returns; values the caller still holds are kept.
    pub fn collect_cycles(&mut self) {
        self.spare_frames.clear();
        self.stack.clear();
        self.cycles.collect();
    }

    /// Steps used so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    /// Costs one step.
    #[inline]
    pub fn step(&mut self, span: Span) -> Result<(), Fault> {
        self.charge(1, span)
    }

    /// Costs `units` steps.
    pub fn charge(&mut self, units: u64, span: Span) -> Result<(), Fault> {
        self.steps = self.steps.saturating_add(units);
        if self.steps > self.limits.max_steps {
            return Err(Fault(Box::new(FaultKind::StepLimit {
                span,
                limit: self.limits.max_steps,
            })));
        }
        Ok(())
    }

    /// How many bytes the rest of the step budget can pay for (see [`Cx::charge_bytes`]), for
    /// writers that must stop before they allocate more.
    pub fn affordable_bytes(&self) -> usize {
        let steps = self.limits.max_steps.saturating_sub(self.steps);
        usize::try_from(steps.saturating_mul(16)).unwrap_or(usize::MAX)
    }

    /// Costs the steps for allocating `bytes` (16 bytes a step), so that no expression can
    /// build a string or array larger than the budget allows.
    pub fn charge_bytes(&mut self, bytes: usize, span: Span) -> Result<(), Fault> {
        self.charge(u64::try_from(bytes / 16).unwrap_or(u64::MAX), span)
    }

    /// Runs a compiled top-level function (no parameters).
    pub fn run(&mut self, function: &Arc<Function>) -> Result<Value, Fault> {
        // Most expressions have no locals: share one empty frame rather than allocate one.
        if function.leaf {
            return self.run_leaf(function, empty_frame(), std::iter::empty());
        }
        let frame = Frame::new(function.frame_size, None);
        let result = self.body(function, &frame);
        release(&frame);
        result
    }

    /// Runs a leaf function with its locals on the stack; `env` is the frame it was defined in.
    fn run_leaf(
        &mut self,
        function: &Function,
        env: &Arc<Frame>,
        args: impl Iterator<Item = Value>,
    ) -> Result<Value, Fault> {
        let base = self.stack.len();
        self.stack.extend(args.take(function.params));
        self.stack.resize(base + function.frame_size, Value::Null);
        let saved = self.leaf_base.replace(base);
        let result = self.body(function, env);
        self.leaf_base = saved;
        self.stack.truncate(base);
        result
    }

    /// Calls a delegate (a closure value) with arguments.
    pub fn invoke(&mut self, callee: &Value, args: &[Value], span: Span) -> Result<Value, Fault> {
        self.call_closure(callee, args.iter().cloned(), span)
    }

    /// Calls a delegate with arguments the caller no longer needs (a query's current item),
    /// saving a clone and a drop per call.
    pub fn invoke_owned<const N: usize>(
        &mut self,
        callee: &Value,
        args: [Value; N],
        span: Span,
    ) -> Result<Value, Fault> {
        self.call_closure(callee, args.into_iter(), span)
    }

    fn call_closure(
        &mut self,
        callee: &Value,
        args: impl Iterator<Item = Value>,
        span: Span,
    ) -> Result<Value, Fault> {
        let Value::Object(object) = callee else {
            return Err(Fault::throw(
                Class::NullReferenceException,
                "Object reference not set to an instance of an object.",
                span,
            ));
        };
        let Object::Closure(Closure { function, env }) = &**object else {
            return Err(internal("the value called is not a function", span));
        };
        if self.depth >= self.limits.max_call_depth {
            return Err(Fault(Box::new(FaultKind::CallDepth {
                span,
                limit: self.limits.max_call_depth,
            })));
        }
        self.step(span)?;
        if function.leaf {
            self.depth += 1;
            let env = env.as_ref().unwrap_or_else(|| empty_frame());
            let result = stacker::maybe_grow(64 * 1024, 1024 * 1024, || {
                self.run_leaf(function, env, args)
            });
            self.depth -= 1;
            return result;
        }
        let saved = self.leaf_base.take();
        let frame = self.frame_for(function.frame_size, env, args, function.params);
        self.depth += 1;
        let result = stacker::maybe_grow(64 * 1024, 1024 * 1024, || self.body(function, &frame));
        self.depth -= 1;
        self.leaf_base = saved;
        release(&frame);
        self.recycle(frame);
        result
    }

    /// A frame for a call: a spare one when there is one (lambdas in a query run once per
    /// item, and a frame nothing captured can be reused), else a new one.
    fn frame_for(
        &mut self,
        size: usize,
        env: &Option<Arc<Frame>>,
        args: impl Iterator<Item = Value>,
        params: usize,
    ) -> Arc<Frame> {
        if let Some(mut frame) = self.spare_frames.pop()
            && let Some(reused) = Arc::get_mut(&mut frame)
        {
            reused.parent.clone_from(env);
            let slots = reused
                .slots
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            slots.clear();
            slots.extend(args.take(params));
            slots.resize(size, Value::Null);
            return frame;
        }
        let frame = Frame::new(size, env.clone());
        {
            let mut slots = frame.lock();
            for (slot, arg) in slots.iter_mut().zip(args.take(params)) {
                *slot = arg;
            }
        }
        frame
    }

    /// Keeps a finished call's frame for reuse, unless a closure still holds it.
    fn recycle(&mut self, mut frame: Arc<Frame>) {
        if self.spare_frames.len() < 16
            && let Some(finished) = Arc::get_mut(&mut frame)
        {
            finished.parent = None;
            finished
                .slots
                .get_mut()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clear();
            self.spare_frames.push(frame);
        }
    }

    fn body(&mut self, function: &Function, frame: &Arc<Frame>) -> Result<Value, Fault> {
        match &function.body {
            FunctionBody::Expr(ir) => self.eval(ir, frame),
            FunctionBody::Block(statements) => match self.exec(statements, frame)? {
                Flow::Return(value) => Ok(value),
                _ => Ok(Value::Null),
            },
        }
    }

    // ------------------------------------------------------------ locals

    fn frame_of(frame: &Frame, up: u16) -> Option<&Frame> {
        let mut current = frame;
        for _ in 0..up {
            current = current.parent.as_deref()?;
        }
        Some(current)
    }

    /// In a leaf function, `up == 0` is the stack and `frame` is the defining frame, one level
    /// up; elsewhere `frame` is the function's own.
    fn load(&self, frame: &Arc<Frame>, local: LocalRef) -> Value {
        let up = match self.leaf_base {
            Some(base) if local.up == 0 => {
                return self
                    .stack
                    .get(base + usize::from(local.slot))
                    .cloned()
                    .unwrap_or(Value::Null);
            }
            Some(_) => local.up - 1,
            None => local.up,
        };
        Self::frame_of(frame, up)
            .and_then(|f| f.lock().get(usize::from(local.slot)).cloned())
            .unwrap_or(Value::Null)
    }

    fn store(&mut self, frame: &Arc<Frame>, local: LocalRef, value: Value) {
        let up = match self.leaf_base {
            Some(base) if local.up == 0 => {
                if let Some(slot) = self.stack.get_mut(base + usize::from(local.slot)) {
                    *slot = value;
                }
                return;
            }
            Some(_) => local.up - 1,
            None => local.up,
        };
        if let Some(target) = Self::frame_of(frame, up)
            && let Some(slot) = target.lock().get_mut(usize::from(local.slot))
        {
            *slot = value;
        }
    }

    // ------------------------------------------------------------ statements

    fn exec(&mut self, statements: &[Stmt], frame: &Arc<Frame>) -> Result<Flow, Fault> {
        for statement in statements {
            match self.statement(statement, frame)? {
                Flow::Normal => {}
                other => return Ok(other),
            }
        }
        Ok(Flow::Normal)
    }

    fn statement(&mut self, statement: &Stmt, frame: &Arc<Frame>) -> Result<Flow, Fault> {
        self.step(Span::default())?;
        match statement {
            Stmt::Expr(ir) => {
                self.eval(ir, frame)?;
                Ok(Flow::Normal)
            }
            Stmt::Store(local, ir) => {
                let value = self.eval(ir, frame)?;
                self.store(frame, *local, value);
                Ok(Flow::Normal)
            }
            Stmt::Block(statements) => self.exec(statements, frame),
            Stmt::If {
                condition,
                then,
                otherwise,
            } => {
                if self.condition(condition, frame)? {
                    self.exec(then, frame)
                } else {
                    self.exec(otherwise, frame)
                }
            }
            Stmt::While { condition, body } => {
                while self.condition(condition, frame)? {
                    self.step(Span::default())?;
                    match self.exec(body, frame)? {
                        Flow::Break => break,
                        Flow::Return(value) => return Ok(Flow::Return(value)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                Ok(Flow::Normal)
            }
            Stmt::DoWhile { body, condition } => {
                loop {
                    self.step(Span::default())?;
                    match self.exec(body, frame)? {
                        Flow::Break => break,
                        Flow::Return(value) => return Ok(Flow::Return(value)),
                        Flow::Normal | Flow::Continue => {}
                    }
                    if !self.condition(condition, frame)? {
                        break;
                    }
                }
                Ok(Flow::Normal)
            }
            Stmt::For {
                init,
                condition,
                step,
                body,
            } => {
                if let Flow::Return(value) = self.exec(init, frame)? {
                    return Ok(Flow::Return(value));
                }
                loop {
                    if let Some(condition) = condition
                        && !self.condition(condition, frame)?
                    {
                        break;
                    }
                    self.step(Span::default())?;
                    match self.exec(body, frame)? {
                        Flow::Break => break,
                        Flow::Return(value) => return Ok(Flow::Return(value)),
                        Flow::Normal | Flow::Continue => {}
                    }
                    for ir in step {
                        self.eval(ir, frame)?;
                    }
                }
                Ok(Flow::Normal)
            }
            Stmt::Foreach {
                collection,
                variable,
                convert,
                body,
                span,
            } => {
                let source = self.eval(collection, frame)?;
                if source.is_null() {
                    return Err(null_reference(*span));
                }
                let mut iter = crate::library::enumerate(self, &source, *span)?;
                while let Some(item) = iter.next(self, *span)? {
                    self.step(*span)?;
                    let item = match convert {
                        Some(op) => self.convert(op, item, *span)?,
                        None => item,
                    };
                    self.store(frame, *variable, item);
                    match self.exec(body, frame)? {
                        Flow::Break => break,
                        Flow::Return(value) => return Ok(Flow::Return(value)),
                        Flow::Normal | Flow::Continue => {}
                    }
                }
                Ok(Flow::Normal)
            }
            Stmt::Switch { subject, sections } => {
                let subject = self.eval(subject, frame)?;
                let mut chosen = None;
                'sections: for (index, section) in sections.iter().enumerate() {
                    for (label, guard) in &section.labels {
                        let matches = match label {
                            SwitchLabel::Default => false,
                            SwitchLabel::Null => subject.is_null(),
                            SwitchLabel::Constant(constant) => switch_equals(&subject, constant),
                            SwitchLabel::Type { target, binding } => {
                                let matched = is_instance(&subject, target);
                                if matched && let Some(binding) = binding {
                                    self.store(frame, *binding, subject.clone());
                                }
                                matched
                            }
                        };
                        if matches {
                            let passes = match guard {
                                Some(guard) => self.condition(guard, frame)?,
                                None => true,
                            };
                            if passes {
                                chosen = Some(index);
                                break 'sections;
                            }
                        }
                    }
                }
                if chosen.is_none() {
                    chosen = sections.iter().position(|s| {
                        s.labels
                            .iter()
                            .any(|(label, _)| matches!(label, SwitchLabel::Default))
                    });
                }
                let Some(section) = chosen.and_then(|index| sections.get(index)) else {
                    return Ok(Flow::Normal);
                };
                match self.exec(&section.body, frame)? {
                    Flow::Break | Flow::Normal => Ok(Flow::Normal),
                    other => Ok(other),
                }
            }
            Stmt::Try {
                body,
                catches,
                finally,
            } => {
                let outcome = self.exec(body, frame);
                let outcome = match outcome {
                    Err(fault) => match *fault.0 {
                        FaultKind::Exception(exception) => self.handle(exception, catches, frame),
                        other => Err(Fault(Box::new(other))),
                    },
                    ok => ok,
                };
                if !finally.is_empty() {
                    // A limit fault in the body still runs `finally`, but cannot be replaced by it.
                    let finished = self.exec(finally, frame);
                    if let Err(fault) = finished {
                        return match outcome {
                            Err(limit) if !matches!(*limit.0, FaultKind::Exception(_)) => {
                                Err(limit)
                            }
                            _ => Err(fault),
                        };
                    }
                }
                outcome
            }
            Stmt::Return(value) => {
                let value = match value {
                    Some(ir) => self.eval(ir, frame)?,
                    None => Value::Null,
                };
                Ok(Flow::Return(value))
            }
            Stmt::Throw(value, span) => match value {
                Some(ir) => {
                    let thrown = self.eval(ir, frame)?;
                    Err(self.throw_value(thrown, *span))
                }
                None => match self.handling.last() {
                    Some(exception) => {
                        Err(Fault(Box::new(FaultKind::Exception(exception.clone()))))
                    }
                    None => Err(internal("`throw;` outside a catch clause", *span)),
                },
            },
            Stmt::Break => Ok(Flow::Break),
            Stmt::Continue => Ok(Flow::Continue),
        }
    }

    fn handle(
        &mut self,
        exception: Exception,
        catches: &[crate::ir::CatchClause],
        frame: &Arc<Frame>,
    ) -> Result<Flow, Fault> {
        for clause in catches {
            if !exception.class.derives_from(clause.class) {
                continue;
            }
            if let Some(binding) = clause.binding {
                self.store(frame, binding, exception.object.clone());
            }
            if let Some(filter) = &clause.filter
                && !self.condition(filter, frame)?
            {
                continue;
            }
            self.handling.push(exception);
            let result = self.exec(&clause.body, frame);
            self.handling.pop();
            return result;
        }
        Err(Fault(Box::new(FaultKind::Exception(exception))))
    }

    fn throw_value(&self, thrown: Value, span: Span) -> Fault {
        match &thrown {
            Value::Object(object) => match &**object {
                Object::Exception { class, message } => {
                    Fault(Box::new(FaultKind::Exception(Exception {
                        class: *class,
                        message: message.clone(),
                        object: thrown.clone(),
                        span,
                    })))
                }
                _ => internal("only exceptions can be thrown", span),
            },
            Value::Null => null_reference(span),
            _ => internal("only exceptions can be thrown", span),
        }
    }

    fn condition(&mut self, ir: &Ir, frame: &Arc<Frame>) -> Result<bool, Fault> {
        match self.eval(ir, frame)? {
            Value::Bool(b) => Ok(b),
            _ => Err(internal(
                "a condition did not produce a bool",
                Span::default(),
            )),
        }
    }

    // ------------------------------------------------------------ expressions

    /// Evaluates an expression. The common cases are here; the rest live in functions of their
    /// own, so that this one (which recurses for every subexpression) keeps a small stack frame.
    #[inline]
    pub(crate) fn eval(&mut self, ir: &Ir, frame: &Arc<Frame>) -> Result<Value, Fault> {
        match ir {
            Ir::Const(value) => Ok(value.clone()),
            Ir::Local(local) => Ok(self.load(frame, *local)),
            Ir::Native { .. } => self.eval_native(ir, frame),
            Ir::JsonProperty { .. } => self.json_property(ir, frame),
            _ => self.eval_other(ir, frame),
        }
    }

    #[inline(never)]
    fn json_property(&mut self, ir: &Ir, frame: &Arc<Frame>) -> Result<Value, Fault> {
        let Ir::JsonProperty {
            func,
            target,
            property,
            span,
        } = ir
        else {
            return Err(internal("not a JSON property", Span::default()));
        };
        let this = self.eval(target, frame)?;
        if this.is_null() {
            return Err(null_receiver("this[]", *span));
        }
        self.step(*span)?;
        if let Value::Json(token) = &this
            && let crate::json::JData::Object(properties) = &*token.read()
        {
            return Ok(crate::json::value_of(properties, property).map_or(Value::Null, Value::Json));
        }
        let mut call = Call {
            this,
            args: crate::library::Args::new(),
            type_args: &[],
            name: "this[]",
            span: *span,
        };
        call.args.push(Value::String(Arc::clone(property)));
        func(self, &mut call)
    }

    #[inline(never)]
    fn eval_native(&mut self, ir: &Ir, frame: &Arc<Frame>) -> Result<Value, Fault> {
        match ir {
            Ir::Native {
                func,
                name,
                target,
                args,
                type_args,
                outs,
                null_receiver_throws,
                span,
            } => {
                let this = match target {
                    Some(target) => {
                        let value = self.eval(target, frame)?;
                        if value.is_null() && *null_receiver_throws {
                            return Err(null_receiver(name, *span));
                        }
                        value
                    }
                    None => Value::Null,
                };
                let mut call = Call {
                    this,
                    args: crate::library::Args::new(),
                    type_args,
                    name,
                    span: *span,
                };
                for arg in args {
                    let value = self.eval(arg, frame)?;
                    call.args.push(value);
                }
                self.step(*span)?;
                self.cycles.note_call(&call.this, &call.args);
                let result = func(self, &mut call)?;
                if !outs.is_empty() {
                    for (index, place) in outs {
                        let value = call.args.get(*index).cloned().unwrap_or(Value::Null);
                        self.assign_place(place, value, frame)?;
                    }
                }
                Ok(result)
            }
            _ => Err(internal("not a call", Span::default())),
        }
    }

    #[inline(never)]
    fn eval_other(&mut self, ir: &Ir, frame: &Arc<Frame>) -> Result<Value, Fault> {
        match ir {
            Ir::Const(value) => Ok(value.clone()),
            Ir::Local(local) => Ok(self.load(frame, *local)),
            Ir::Context => Ok(context_value()),
            Ir::Native { .. } => self.eval_native(ir, frame),
            Ir::JsonProperty { .. } => self.json_property(ir, frame),
            Ir::Invoke { callee, args, span } => {
                let callee = self.eval(callee, frame)?;
                let mut values = Vec::with_capacity(args.len());
                for arg in args {
                    values.push(self.eval(arg, frame)?);
                }
                self.invoke(&callee, &values, *span)
            }
            Ir::Convert { op, value, span } => {
                let value = self.eval(value, frame)?;
                self.convert(op, value, *span)
            }
            Ir::Unary {
                op,
                operand,
                value,
                checked,
                span,
            } => {
                let value = self.eval(value, frame)?;
                unary(*op, *operand, value, *checked, *span)
            }
            Ir::Binary {
                op,
                operand,
                left,
                right,
                checked,
                span,
            } => {
                let a = self.eval(left, frame)?;
                let b = self.eval(right, frame)?;
                binary(*op, *operand, a, b, *checked, *span)
            }
            Ir::Lifted {
                op,
                operand,
                left,
                right,
                checked,
                span,
            } => {
                let a = self.eval(left, frame)?;
                let b = self.eval(right, frame)?;
                lifted(*op, *operand, a, b, *checked, *span)
            }
            Ir::Concat(parts) => {
                let mut out = String::new();
                for part in parts {
                    let value = self.eval(part, frame)?;
                    crate::library::append_display(&mut out, &value);
                }
                self.charge_bytes(out.len(), Span::default())?;
                Ok(value::new_str(out))
            }
            Ir::Interpolated(parts) => {
                let mut out = String::new();
                for part in parts {
                    match part {
                        InterpolationPart::Text(text) => out.push_str(text),
                        InterpolationPart::Value {
                            value,
                            alignment,
                            format,
                        } => {
                            let value = self.eval(value, frame)?;
                            let alignment = match alignment {
                                Some(ir) => match self.eval(ir, frame)? {
                                    Value::Int32(n) => n,
                                    _ => 0,
                                },
                                None => 0,
                            };
                            let text = crate::library::format_value(
                                &value,
                                format.as_deref(),
                                Span::default(),
                            )?;
                            crate::library::pad_aligned(&mut out, &text, alignment);
                        }
                    }
                }
                self.charge_bytes(out.len(), Span::default())?;
                Ok(value::new_str(out))
            }
            Ir::And(left, right) => {
                if self.condition(left, frame)? {
                    Ok(Value::Bool(self.condition(right, frame)?))
                } else {
                    Ok(Value::Bool(false))
                }
            }
            Ir::Or(left, right) => {
                if self.condition(left, frame)? {
                    Ok(Value::Bool(true))
                } else {
                    Ok(Value::Bool(self.condition(right, frame)?))
                }
            }
            Ir::Coalesce(left, right) => {
                let value = self.eval(left, frame)?;
                if value.is_null() {
                    self.eval(right, frame)
                } else {
                    Ok(value)
                }
            }
            Ir::Conditional(condition, a, b) => {
                if self.condition(condition, frame)? {
                    self.eval(a, frame)
                } else {
                    self.eval(b, frame)
                }
            }
            Ir::Assign { place, value } => {
                // C# evaluates the place's parts (receiver, index) before the value.
                match place {
                    Place::Local(local) => {
                        let value = self.eval(value, frame)?;
                        self.store(frame, *local, value.clone());
                        Ok(value)
                    }
                    Place::Property {
                        target,
                        setter,
                        span,
                        ..
                    } => {
                        let target = self.eval(target, frame)?;
                        let value = self.eval(value, frame)?;
                        self.set_property(*setter, target, value.clone(), *span)?;
                        Ok(value)
                    }
                    Place::Index {
                        target,
                        args,
                        setter,
                        span,
                        ..
                    } => {
                        let target = self.eval(target, frame)?;
                        let mut index = crate::library::Args::with_capacity(args.len() + 1);
                        for arg in args {
                            index.push(self.eval(arg, frame)?);
                        }
                        let value = self.eval(value, frame)?;
                        self.set_index(*setter, target, index, value.clone(), *span)?;
                        Ok(value)
                    }
                }
            }
            Ir::Compound { place, op, value } => self.compound(place, op, value, frame),
            Ir::Step {
                place,
                operand,
                increment,
                prefix,
                to,
                checked,
                span,
            } => {
                let (current, resolved) = self.read_place(place, frame)?;
                let one = match operand {
                    Operand::I32 => Value::Int32(1),
                    Operand::U32 => Value::UInt32(1),
                    Operand::I64 => Value::Int64(1),
                    Operand::U64 => Value::UInt64(1),
                    Operand::F32 => Value::Single(1.0),
                    Operand::F64 => Value::Double(1.0),
                    Operand::Dec => Value::Decimal(Decimal::ONE),
                    _ => Value::Int32(1),
                };
                let widened = numeric_convert(&current, &operand_type(*operand), false, *span)?;
                let op = if *increment { BinOp::Add } else { BinOp::Sub };
                let result = binary(op, *operand, widened, one, *checked, *span)?;
                let narrowed = numeric_convert(&result, to, *checked, *span)?;
                self.write_place(resolved, narrowed.clone(), frame)?;
                Ok(if *prefix { narrowed } else { current })
            }
            Ir::NullGuard(inner) => {
                let value = self.eval(inner, frame)?;
                if value.is_null() {
                    Err(Fault::null_chain())
                } else {
                    Ok(value)
                }
            }
            Ir::ChainEnd(inner) => match self.eval(inner, frame) {
                Err(fault) if matches!(*fault.0, FaultKind::NullChain) => Ok(Value::Null),
                other => other,
            },
            Ir::Closure(function) => {
                self.cycles.note_captured(frame);
                Ok(Value::object(Object::Closure(Closure {
                    function: Arc::clone(function),
                    env: Some(Arc::clone(frame)),
                })))
            }
            Ir::Is {
                value,
                target,
                binding,
            } => {
                let value = self.eval(value, frame)?;
                let matched = is_instance(&value, target);
                if matched && let Some(binding) = binding {
                    self.store(frame, *binding, value);
                }
                Ok(Value::Bool(matched))
            }
            Ir::As { value, target } => {
                let value = self.eval(value, frame)?;
                Ok(if is_instance(&value, target) {
                    value
                } else {
                    Value::Null
                })
            }
            Ir::Default(ty) => Ok(default_value(ty)),
            Ir::NewArray {
                element,
                size,
                span,
            } => {
                let size = match self.eval(size, frame)? {
                    Value::Int32(n) => n,
                    _ => 0,
                };
                let Ok(size) = usize::try_from(size) else {
                    return Err(Fault::throw(
                        Class::OverflowException,
                        "Arithmetic operation resulted in an overflow.",
                        *span,
                    ));
                };
                self.charge_bytes(size.saturating_mul(8), *span)?;
                if *element == Type::Byte {
                    return Ok(Value::bytes(vec![0; size]));
                }
                Ok(Value::array(
                    element.clone(),
                    vec![default_value(element); size],
                ))
            }
            Ir::ArrayOf { element, items } => {
                let mut values = Vec::with_capacity(items.len());
                for item in items {
                    values.push(self.eval(item, frame)?);
                }
                Ok(Value::array(element.clone(), values))
            }
            Ir::Anonymous { names, values } => {
                let mut evaluated = Vec::with_capacity(values.len());
                for ir in values {
                    evaluated.push(self.eval(ir, frame)?);
                }
                Ok(Value::object(Object::Anonymous {
                    names: Arc::clone(names),
                    values: evaluated,
                }))
            }
            Ir::Throw(value, span) => {
                let thrown = self.eval(value, frame)?;
                if let Value::String(message) = &thrown {
                    // A named value with no value (lint-only code run anyway).
                    return Err(Fault::throw(
                        Class::InvalidOperationException,
                        message.to_string(),
                        *span,
                    ));
                }
                Err(self.throw_value(thrown, *span))
            }
            Ir::Sequence(steps, result) => {
                for step in steps {
                    self.eval(step, frame)?;
                }
                self.eval(result, frame)
            }
            Ir::InitTarget => Ok(self.init_targets.last().cloned().unwrap_or(Value::Null)),
            Ir::WithInitTarget(created, steps) => {
                let created = self.eval(created, frame)?;
                self.init_targets.push(created.clone());
                let mut outcome = Ok(());
                for step in steps {
                    if let Err(fault) = self.eval(step, frame) {
                        outcome = Err(fault);
                        break;
                    }
                }
                self.init_targets.pop();
                outcome.map(|()| created)
            }
        }
    }

    fn set_property(
        &mut self,
        setter: NativeFn,
        target: Value,
        value: Value,
        span: Span,
    ) -> Result<(), Fault> {
        // A property setter is an indexer setter with no index.
        self.set_index(setter, target, crate::library::Args::new(), value, span)
    }

    fn set_index(
        &mut self,
        setter: NativeFn,
        target: Value,
        mut index: crate::library::Args,
        value: Value,
        span: Span,
    ) -> Result<(), Fault> {
        if target.is_null() {
            return Err(null_reference(span));
        }
        index.push(value);
        let mut call = Call {
            this: target,
            args: index,
            type_args: &[],
            name: "set",
            span,
        };
        self.cycles.note_call(&call.this, &call.args);
        setter(self, &mut call)?;
        Ok(())
    }

    fn assign_place(
        &mut self,
        place: &Place,
        value: Value,
        frame: &Arc<Frame>,
    ) -> Result<(), Fault> {
        let (_, resolved) = match place {
            Place::Local(local) => {
                self.store(frame, *local, value);
                return Ok(());
            }
            other => self.read_place(other, frame)?,
        };
        self.write_place(resolved, value, frame)
    }

    /// Evaluates a place's parts once and reads its current value.
    fn read_place(
        &mut self,
        place: &Place,
        frame: &Arc<Frame>,
    ) -> Result<(Value, ResolvedPlace), Fault> {
        match place {
            Place::Local(local) => Ok((self.load(frame, *local), ResolvedPlace::Local(*local))),
            Place::Property {
                target,
                getter,
                setter,
                span,
            } => {
                let target = self.eval(target, frame)?;
                if target.is_null() {
                    return Err(null_reference(*span));
                }
                let current = match getter {
                    Some(getter) => {
                        let mut call = Call {
                            this: target.clone(),
                            args: crate::library::Args::new(),
                            type_args: &[],
                            name: "get",
                            span: *span,
                        };
                        getter(self, &mut call)?
                    }
                    None => Value::Null,
                };
                Ok((
                    current,
                    ResolvedPlace::Property {
                        target,
                        setter: *setter,
                        span: *span,
                    },
                ))
            }
            Place::Index {
                target,
                args,
                getter,
                setter,
                span,
            } => {
                let target = self.eval(target, frame)?;
                if target.is_null() {
                    return Err(null_reference(*span));
                }
                let mut index = crate::library::Args::with_capacity(args.len());
                for arg in args {
                    index.push(self.eval(arg, frame)?);
                }
                let mut call = Call {
                    this: target.clone(),
                    args: index.clone(),
                    type_args: &[],
                    name: "this[]",
                    span: *span,
                };
                let current = getter(self, &mut call)?;
                Ok((
                    current,
                    ResolvedPlace::Index {
                        target,
                        index,
                        setter: *setter,
                        span: *span,
                    },
                ))
            }
        }
    }

    fn write_place(
        &mut self,
        place: ResolvedPlace,
        value: Value,
        frame: &Arc<Frame>,
    ) -> Result<(), Fault> {
        match place {
            ResolvedPlace::Local(local) => {
                self.store(frame, local, value);
                Ok(())
            }
            ResolvedPlace::Property {
                target,
                setter,
                span,
            } => self.set_property(setter, target, value, span),
            ResolvedPlace::Index {
                target,
                index,
                setter,
                span,
            } => self.set_index(setter, target, index, value, span),
        }
    }

    fn compound(
        &mut self,
        place: &Place,
        op: &CompoundOp,
        value: &Ir,
        frame: &Arc<Frame>,
    ) -> Result<Value, Fault> {
        let (current, resolved) = self.read_place(place, frame)?;
        let result = match op {
            CompoundOp::Coalesce => {
                if !current.is_null() {
                    return Ok(current);
                }
                self.eval(value, frame)?
            }
            CompoundOp::Concat => {
                let right = self.eval(value, frame)?;
                let mut out = String::new();
                crate::library::append_display(&mut out, &current);
                crate::library::append_display(&mut out, &right);
                self.charge_bytes(out.len(), Span::default())?;
                value::new_str(out)
            }
            CompoundOp::Binary {
                op,
                operand,
                widen,
                narrow,
                checked,
                span,
            } => {
                let right = self.eval(value, frame)?;
                let left = match widen {
                    Some(convert) => self.convert(convert, current, *span)?,
                    None => current,
                };
                let combined = binary(*op, *operand, left, right, *checked, *span)?;
                match narrow {
                    Some(convert) => self.convert(convert, combined, *span)?,
                    None => combined,
                }
            }
            CompoundOp::Lifted {
                op,
                operand,
                checked,
                span,
            } => {
                let right = self.eval(value, frame)?;
                lifted(*op, *operand, current, right, *checked, *span)?
            }
        };
        self.write_place(resolved, result.clone(), frame)?;
        Ok(result)
    }

    // ------------------------------------------------------------ conversions

    pub(crate) fn convert(
        &mut self,
        op: &Convert,
        value: Value,
        span: Span,
    ) -> Result<Value, Fault> {
        match op {
            Convert::Numeric { to, checked } => {
                if value.is_null() {
                    return Ok(Value::Null);
                }
                numeric_convert(&value, to.underlying(), *checked, span)
            }
            Convert::Unbox(target) => unbox(value, target, span),
            Convert::Downcast(target) => {
                if value.is_null() || is_instance(&value, target) {
                    Ok(value)
                } else {
                    Err(invalid_cast(&value, target, span))
                }
            }
            Convert::UnwrapNullable => {
                if value.is_null() {
                    Err(Fault::throw(
                        Class::InvalidOperationException,
                        "Nullable object must have a value.",
                        span,
                    ))
                } else {
                    Ok(value)
                }
            }
            Convert::ToJToken => Ok(crate::library::to_jtoken(&value)),
            Convert::ToXmlName(class) => crate::library::string_to_xml_name(value, *class, span),
            Convert::FromJToken(target) => crate::library::from_jtoken(&value, target, span),
            Convert::DateToOffset => match value {
                Value::DateTime(date) => Ok(Value::DateTimeOffset(DateTimeOffset {
                    ticks: date.ticks,
                    offset_minutes: 0,
                })),
                other => Ok(other),
            },
            Convert::EnumInteger(target) => match (&value, target.underlying()) {
                (Value::Null, _) => Ok(Value::Null),
                (Value::Enum(_, number), integer) => {
                    numeric_convert(&Value::Int64(*number), integer, false, span)
                }
                (number, Type::Enum(kind)) => {
                    Ok(Value::Enum(*kind, integer_of(number).unwrap_or(0) as i64))
                }
                _ => Ok(value),
            },
        }
    }
}

#[cold]
fn null_receiver(name: &str, span: Span) -> Fault {
    Fault::throw(
        Class::NullReferenceException,
        format!("Object reference not set to an instance of an object (calling `{name}` on null)."),
        span,
    )
}

/// The frame of code that has no locals of its own in a frame.
fn empty_frame() -> &'static Arc<Frame> {
    static EMPTY: OnceLock<Arc<Frame>> = OnceLock::new();
    EMPTY.get_or_init(|| Frame::new(0, None))
}

/// Breaks the reference cycles a finished call leaves: a local holding a closure (a local
/// function, a lambda in a variable) whose captured frame is this one (or one of its
/// descendants) would keep the frame alive for ever. Closures that escaped the call (held
/// elsewhere too) are left alone.
fn release(frame: &Arc<Frame>) {
    let mut slots = frame.lock();
    for slot in slots.iter_mut() {
        let captures_this_frame = match &*slot {
            Value::Object(object) if Arc::strong_count(object) == 1 => match &**object {
                Object::Closure(Closure { env: Some(env), .. }) => {
                    let mut current = Some(env);
                    let mut found = false;
                    while let Some(candidate) = current {
                        if Arc::ptr_eq(candidate, frame) {
                            found = true;
                            break;
                        }
                        current = candidate.parent.as_ref();
                    }
                    found
                }
                _ => false,
            },
            _ => false,
        };
        if captures_this_frame {
            *slot = Value::Null;
        }
    }
}

enum ResolvedPlace {
    Local(LocalRef),
    Property {
        target: Value,
        setter: NativeFn,
        span: Span,
    },
    Index {
        target: Value,
        index: crate::library::Args,
        setter: NativeFn,
        span: Span,
    },
}

// ---------------------------------------------------------------- errors

pub fn null_reference(span: Span) -> Fault {
    Fault::throw(
        Class::NullReferenceException,
        "Object reference not set to an instance of an object.",
        span,
    )
}

/// A broken invariant between checker and evaluator: reported as an exception, never a panic.
pub fn internal(message: &str, span: Span) -> Fault {
    Fault::throw(
        Class::InvalidOperationException,
        format!("internal error in gatehouse: {message}"),
        span,
    )
}

fn invalid_cast(value: &Value, target: &Type, span: Span) -> Fault {
    Fault::throw(
        Class::InvalidCastException,
        format!(
            "Unable to cast object of type '{}' to type '{}'.",
            crate::library::type_full_name(&value.runtime_type()),
            crate::library::type_full_name(target)
        ),
        span,
    )
}

fn overflow(span: Span) -> Fault {
    Fault::throw(
        Class::OverflowException,
        "Arithmetic operation resulted in an overflow.",
        span,
    )
}

fn divide_by_zero(span: Span) -> Fault {
    Fault::throw(
        Class::DivideByZeroException,
        "Attempted to divide by zero.",
        span,
    )
}

// ---------------------------------------------------------------- types at run time

/// `value is target`.
pub fn is_instance(value: &Value, target: &Type) -> bool {
    if value.is_null() {
        return false;
    }
    match target {
        Type::Object | Type::Unknown => true,
        Type::Nullable(inner) => is_instance(value, inner),
        _ => {
            let runtime = value.runtime_type();
            if runtime == *target {
                return true;
            }
            if let Value::Object(object) = value
                && let Object::Sequence(_) = &**object
            {
                return matches!(target, Type::Generic(Generic::IEnumerable, _));
            }
            if runtime.is_value_type() {
                return false;
            }
            matches!(
                types::implicit(&runtime, target),
                Some(Conversion::Identity | Conversion::Upcast | Conversion::Sequence)
            )
        }
    }
}

/// `(T)value` where the static type is `object`: the run-time type must be exactly `T`.
fn unbox(value: Value, target: &Type, span: Span) -> Result<Value, Fault> {
    if value.is_null() {
        return match target {
            Type::Nullable(_) => Ok(Value::Null),
            _ => Err(null_reference(span)),
        };
    }
    let inner = target.underlying();
    let runtime = value.runtime_type();
    if runtime == *inner {
        return Ok(value);
    }
    // A boxed enum unboxes to its underlying integer type, and back.
    match (&value, inner) {
        (Value::Enum(_, number), Type::Int32) => return Ok(Value::Int32(*number as i32)),
        (Value::Int32(number), Type::Enum(kind)) => {
            return Ok(Value::Enum(*kind, i64::from(*number)));
        }
        _ => {}
    }
    Err(invalid_cast(&value, target, span))
}

/// `default(T)`.
pub fn default_value(ty: &Type) -> Value {
    match ty {
        Type::Bool => Value::Bool(false),
        Type::Char => Value::Char(0),
        Type::SByte => Value::SByte(0),
        Type::Byte => Value::Byte(0),
        Type::Int16 => Value::Int16(0),
        Type::UInt16 => Value::UInt16(0),
        Type::Int32 => Value::Int32(0),
        Type::UInt32 => Value::UInt32(0),
        Type::Int64 => Value::Int64(0),
        Type::UInt64 => Value::UInt64(0),
        Type::Single => Value::Single(0.0),
        Type::Double => Value::Double(0.0),
        Type::Decimal => Value::Decimal(Decimal::ZERO),
        Type::Enum(kind) => Value::Enum(*kind, 0),
        Type::Class(Class::DateTime) => Value::DateTime(DateTime {
            ticks: 0,
            kind: time::Kind::Unspecified,
        }),
        Type::Class(Class::DateTimeOffset) => Value::DateTimeOffset(DateTimeOffset {
            ticks: 0,
            offset_minutes: 0,
        }),
        Type::Class(Class::TimeSpan) => Value::TimeSpan(TimeSpan(0)),
        Type::Class(Class::Guid) => Value::Guid([0; 16]),
        Type::Generic(Generic::KeyValuePair, args) => Value::object(Object::KeyValuePair {
            key: args.first().map_or(Value::Null, default_value),
            value: args.get(1).map_or(Value::Null, default_value),
            key_type: args.first().cloned().unwrap_or(Type::Object),
            value_type: args.get(1).cloned().unwrap_or(Type::Object),
        }),
        _ => Value::Null,
    }
}

/// Equality of a `switch` subject with a constant label (already of the subject's type).
fn switch_equals(subject: &Value, constant: &Value) -> bool {
    match (subject, constant) {
        (Value::String(a), Value::String(b)) => a == b,
        (Value::Null, _) | (_, Value::Null) => false,
        (a, b) => match (numeric_of(a), numeric_of(b)) {
            (Some(x), Some(y)) => x == y,
            _ => crate::library::value_equals(a, b),
        },
    }
}

// ---------------------------------------------------------------- numbers

/// A numeric value widened for comparison (exact for integers).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Number {
    Integer(i128),
    Float(f64),
    Decimal(Decimal),
}

fn numeric_of(value: &Value) -> Option<Number> {
    Some(match value {
        Value::Char(v) => Number::Integer(i128::from(*v)),
        Value::SByte(v) => Number::Integer(i128::from(*v)),
        Value::Byte(v) => Number::Integer(i128::from(*v)),
        Value::Int16(v) => Number::Integer(i128::from(*v)),
        Value::UInt16(v) => Number::Integer(i128::from(*v)),
        Value::Int32(v) => Number::Integer(i128::from(*v)),
        Value::UInt32(v) => Number::Integer(i128::from(*v)),
        Value::Int64(v) => Number::Integer(i128::from(*v)),
        Value::UInt64(v) => Number::Integer(i128::from(*v)),
        Value::Enum(_, v) => Number::Integer(i128::from(*v)),
        Value::Single(v) => Number::Float(f64::from(*v)),
        Value::Double(v) => Number::Float(*v),
        Value::Decimal(v) => Number::Decimal(*v),
        _ => return None,
    })
}

/// The integer in a value of an integral type (chars included).
pub fn integer_of(value: &Value) -> Option<i128> {
    match numeric_of(value)? {
        Number::Integer(v) => Some(v),
        _ => None,
    }
}

/// The value as a double (any numeric type).
pub fn float_of(value: &Value) -> Option<f64> {
    Some(match numeric_of(value)? {
        Number::Integer(v) => v as f64,
        Number::Float(v) => v,
        Number::Decimal(v) => v.to_f64().unwrap_or(0.0),
    })
}

/// An integer as a value of integral type `ty`, if it fits.
pub fn integer_value(value: i128, ty: &Type) -> Option<Value> {
    Some(match ty {
        Type::SByte => Value::SByte(i8::try_from(value).ok()?),
        Type::Byte => Value::Byte(u8::try_from(value).ok()?),
        Type::Int16 => Value::Int16(i16::try_from(value).ok()?),
        Type::UInt16 => Value::UInt16(u16::try_from(value).ok()?),
        Type::Char => Value::Char(u16::try_from(value).ok()?),
        Type::Int32 => Value::Int32(i32::try_from(value).ok()?),
        Type::UInt32 => Value::UInt32(u32::try_from(value).ok()?),
        Type::Int64 => Value::Int64(i64::try_from(value).ok()?),
        Type::UInt64 => Value::UInt64(u64::try_from(value).ok()?),
        _ => return None,
    })
}

/// The type and value of an integer literal, as C# types it (the first of int, uint, long,
/// ulong that fits, narrowed by the suffix).
pub fn integer_literal(
    value: u128,
    suffix: gatehouse_expr_syntax::ast::IntSuffix,
) -> Option<(Value, Type)> {
    use gatehouse_expr_syntax::ast::IntSuffix;
    let value = i128::try_from(value).ok()?;
    let order: &[Type] = match suffix {
        IntSuffix::None => &[Type::Int32, Type::UInt32, Type::Int64, Type::UInt64],
        IntSuffix::U => &[Type::UInt32, Type::UInt64],
        IntSuffix::L => &[Type::Int64, Type::UInt64],
        IntSuffix::UL => &[Type::UInt64],
    };
    order
        .iter()
        .find_map(|ty| integer_value(value, ty).map(|v| (v, ty.clone())))
}

/// Converts a constant where C# does so implicitly (constant expressions), for `case` labels
/// and conditional branches.
pub fn convert_constant(value: &Value, to: &Type) -> Option<Value> {
    let to = to.underlying();
    if let Some(integer) = integer_of(value)
        && !matches!(value, Value::Char(_))
        && to.is_integral()
        && *to != Type::Char
    {
        return integer_value(integer, to);
    }
    let from = value.runtime_type();
    if types::implicit_numeric(&from, to) {
        return convert_constant_unchecked(value, to);
    }
    None
}

/// `(T)constant` at compile time (unchecked, as C# folds casts of constants in unchecked
/// context… and refuses overflowing ones; we fold only what fits or is floating).
pub fn convert_constant_unchecked(value: &Value, to: &Type) -> Option<Value> {
    if !to.is_numeric() {
        return None;
    }
    numeric_convert(value, to, false, Span::default()).ok()
}

fn wrap_integer(value: i128, to: &Type) -> Option<Value> {
    Some(match to {
        Type::SByte => Value::SByte(value as i8),
        Type::Byte => Value::Byte(value as u8),
        Type::Int16 => Value::Int16(value as i16),
        Type::UInt16 => Value::UInt16(value as u16),
        Type::Char => Value::Char(value as u16),
        Type::Int32 => Value::Int32(value as i32),
        Type::UInt32 => Value::UInt32(value as u32),
        Type::Int64 => Value::Int64(value as i64),
        Type::UInt64 => Value::UInt64(value as u64),
        _ => return None,
    })
}

/// A numeric conversion between any two of the numeric types (and char), C#'s rules:
/// integers wrap (unchecked) or throw (checked); floating to integer truncates; anything to or
/// from `decimal` throws on overflow.
pub fn numeric_convert(
    value: &Value,
    to: &Type,
    checked: bool,
    span: Span,
) -> Result<Value, Fault> {
    let Some(number) = numeric_of(value) else {
        return Err(internal(
            "numeric conversion of a value that is not a number",
            span,
        ));
    };
    match (number, to) {
        (Number::Integer(v), Type::Single) => Ok(Value::Single(v as f32)),
        (Number::Integer(v), Type::Double) => Ok(Value::Double(v as f64)),
        (Number::Integer(v), Type::Decimal) => Ok(Value::Decimal(
            Decimal::from_i128(v).ok_or_else(|| overflow(span))?,
        )),
        (Number::Integer(v), integral) => {
            if checked {
                integer_value(v, integral).ok_or_else(|| overflow(span))
            } else {
                wrap_integer(v, integral)
                    .ok_or_else(|| internal("conversion to a non-numeric type", span))
            }
        }
        (Number::Float(v), Type::Single) => Ok(Value::Single(v as f32)),
        (Number::Float(v), Type::Double) => Ok(Value::Double(v)),
        (Number::Float(v), Type::Decimal) => {
            if !v.is_finite() {
                return Err(Fault::throw(
                    Class::OverflowException,
                    "Value was either too large or too small for a Decimal.",
                    span,
                ));
            }
            // .NET rounds a double to 15 significant digits on its way to decimal.
            let text = crate::net::number::format_double(v, "E14").unwrap_or_default();
            let parsed = Decimal::from_scientific(&text).or_else(|_| text.parse::<Decimal>());
            match parsed {
                Ok(d) => Ok(Value::Decimal(d.normalize())),
                Err(_) if v.abs() < 1e-28 => Ok(Value::Decimal(Decimal::ZERO)),
                Err(_) => Err(Fault::throw(
                    Class::OverflowException,
                    "Value was either too large or too small for a Decimal.",
                    span,
                )),
            }
        }
        (Number::Float(v), integral) => {
            let truncated = v.trunc();
            let fits = truncated.is_finite()
                && integer_value(truncated as i128, integral).is_some()
                && truncated.abs() < 1e38;
            if fits {
                return wrap_integer(truncated as i128, integral)
                    .ok_or_else(|| internal("conversion", span));
            }
            if checked {
                return Err(overflow(span));
            }
            // Out of range, unchecked: what x64 hardware gives (.NET Framework, Mono, .NET ≤ 8).
            Ok(match integral {
                Type::Int64 | Type::UInt64 => wrap_integer(i128::from(i64::MIN), integral),
                _ if truncated.is_finite() && truncated.abs() < 9.2e18 => {
                    wrap_integer(truncated as i64 as i128, integral)
                }
                _ => wrap_integer(i128::from(i32::MIN), integral),
            }
            .unwrap_or(Value::Int32(i32::MIN)))
        }
        (Number::Decimal(d), Type::Decimal) => Ok(Value::Decimal(d)),
        (Number::Decimal(d), Type::Single) => Ok(Value::Single(d.to_f32().unwrap_or(0.0))),
        (Number::Decimal(d), Type::Double) => Ok(Value::Double(d.to_f64().unwrap_or(0.0))),
        (Number::Decimal(d), integral) => {
            let truncated = d.trunc().to_i128().ok_or_else(|| overflow(span))?;
            integer_value(truncated, integral).ok_or_else(|| overflow(span))
        }
    }
}

fn operand_type(operand: Operand) -> Type {
    match operand {
        Operand::I32 => Type::Int32,
        Operand::U32 => Type::UInt32,
        Operand::I64 => Type::Int64,
        Operand::U64 => Type::UInt64,
        Operand::F32 => Type::Single,
        Operand::F64 => Type::Double,
        Operand::Dec => Type::Decimal,
        _ => Type::Int32,
    }
}

fn unary(
    op: UnOp,
    operand: Operand,
    value: Value,
    checked: bool,
    span: Span,
) -> Result<Value, Fault> {
    Ok(match (op, value) {
        (_, Value::Null) => Value::Null,
        (UnOp::Not, Value::Bool(b)) => Value::Bool(!b),
        (UnOp::Negate, Value::Int32(v)) => {
            if checked {
                Value::Int32(v.checked_neg().ok_or_else(|| overflow(span))?)
            } else {
                Value::Int32(v.wrapping_neg())
            }
        }
        (UnOp::Negate, Value::Int64(v)) => {
            if checked {
                Value::Int64(v.checked_neg().ok_or_else(|| overflow(span))?)
            } else {
                Value::Int64(v.wrapping_neg())
            }
        }
        (UnOp::Negate, Value::Single(v)) => Value::Single(-v),
        (UnOp::Negate, Value::Double(v)) => Value::Double(-v),
        (UnOp::Negate, Value::Decimal(v)) => Value::Decimal(-v),
        (UnOp::Negate, Value::TimeSpan(TimeSpan(v))) => {
            Value::TimeSpan(TimeSpan(v.checked_neg().ok_or_else(|| overflow(span))?))
        }
        (UnOp::Complement, Value::Int32(v)) => Value::Int32(!v),
        (UnOp::Complement, Value::UInt32(v)) => Value::UInt32(!v),
        (UnOp::Complement, Value::Int64(v)) => Value::Int64(!v),
        (UnOp::Complement, Value::UInt64(v)) => Value::UInt64(!v),
        (UnOp::Complement, Value::Enum(kind, v)) => Value::Enum(kind, !v),
        (_, other) => {
            let _ = operand;
            return Err(internal(
                &format!("unary operator on {:?}", other.runtime_type()),
                span,
            ));
        }
    })
}

macro_rules! integer_op {
    ($op:expr, $a:expr, $b:expr, $checked:expr, $span:expr, $variant:ident, $ty:ty, $mask:expr) => {{
        let (a, b): ($ty, $ty) = ($a, $b);
        let result: $ty = match $op {
            BinOp::Add => {
                if $checked {
                    a.checked_add(b).ok_or_else(|| overflow($span))?
                } else {
                    a.wrapping_add(b)
                }
            }
            BinOp::Sub => {
                if $checked {
                    a.checked_sub(b).ok_or_else(|| overflow($span))?
                } else {
                    a.wrapping_sub(b)
                }
            }
            BinOp::Mul => {
                if $checked {
                    a.checked_mul(b).ok_or_else(|| overflow($span))?
                } else {
                    a.wrapping_mul(b)
                }
            }
            BinOp::Div => {
                if b == 0 {
                    return Err(divide_by_zero($span));
                }
                a.checked_div(b).ok_or_else(|| overflow($span))?
            }
            BinOp::Rem => {
                if b == 0 {
                    return Err(divide_by_zero($span));
                }
                a.checked_rem(b).ok_or_else(|| overflow($span))?
            }
            BinOp::BitAnd => a & b,
            BinOp::BitOr => a | b,
            BinOp::BitXor => a ^ b,
            BinOp::Eq => return Ok(Value::Bool(a == b)),
            BinOp::Ne => return Ok(Value::Bool(a != b)),
            BinOp::Lt => return Ok(Value::Bool(a < b)),
            BinOp::Gt => return Ok(Value::Bool(a > b)),
            BinOp::Le => return Ok(Value::Bool(a <= b)),
            BinOp::Ge => return Ok(Value::Bool(a >= b)),
            BinOp::Shl | BinOp::Shr | BinOp::DateDiff => {
                return Err(internal("shift with a wide count", $span));
            }
        };
        let _ = $mask;
        Value::$variant(result)
    }};
}

macro_rules! float_op {
    ($op:expr, $a:expr, $b:expr, $span:expr, $variant:ident) => {{
        let (a, b) = ($a, $b);
        match $op {
            BinOp::Add => Value::$variant(a + b),
            BinOp::Sub => Value::$variant(a - b),
            BinOp::Mul => Value::$variant(a * b),
            BinOp::Div => Value::$variant(a / b),
            BinOp::Rem => Value::$variant(a % b),
            BinOp::Eq => Value::Bool(a == b),
            BinOp::Ne => Value::Bool(a != b),
            BinOp::Lt => Value::Bool(a < b),
            BinOp::Gt => Value::Bool(a > b),
            BinOp::Le => Value::Bool(a <= b),
            BinOp::Ge => Value::Bool(a >= b),
            _ => return Err(internal("bitwise operator on floating-point values", $span)),
        }
    }};
}

fn shift_count(value: &Value) -> u32 {
    match value {
        Value::Int32(v) => *v as u32,
        other => integer_of(other).unwrap_or(0) as u32,
    }
}

/// A built-in binary operator on operands already converted to `operand`'s type.
pub fn binary(
    op: BinOp,
    operand: Operand,
    a: Value,
    b: Value,
    checked: bool,
    span: Span,
) -> Result<Value, Fault> {
    if matches!(op, BinOp::Shl | BinOp::Shr) {
        let count = shift_count(&b);
        return Ok(match (op, a) {
            (BinOp::Shl, Value::Int32(v)) => Value::Int32(v.wrapping_shl(count & 31)),
            (BinOp::Shr, Value::Int32(v)) => Value::Int32(v.wrapping_shr(count & 31)),
            (BinOp::Shl, Value::UInt32(v)) => Value::UInt32(v.wrapping_shl(count & 31)),
            (BinOp::Shr, Value::UInt32(v)) => Value::UInt32(v.wrapping_shr(count & 31)),
            (BinOp::Shl, Value::Int64(v)) => Value::Int64(v.wrapping_shl(count & 63)),
            (BinOp::Shr, Value::Int64(v)) => Value::Int64(v.wrapping_shr(count & 63)),
            (BinOp::Shl, Value::UInt64(v)) => Value::UInt64(v.wrapping_shl(count & 63)),
            (BinOp::Shr, Value::UInt64(v)) => Value::UInt64(v.wrapping_shr(count & 63)),
            (_, Value::Null) => Value::Null,
            _ => return Err(internal("shift of a non-integer", span)),
        });
    }
    Ok(match (operand, a, b) {
        (Operand::I32, Value::Int32(a), Value::Int32(b)) => {
            integer_op!(op, a, b, checked, span, Int32, i32, 31)
        }
        (Operand::U32, Value::UInt32(a), Value::UInt32(b)) => {
            integer_op!(op, a, b, checked, span, UInt32, u32, 31)
        }
        (Operand::I64, Value::Int64(a), Value::Int64(b)) => {
            integer_op!(op, a, b, checked, span, Int64, i64, 63)
        }
        (Operand::U64, Value::UInt64(a), Value::UInt64(b)) => {
            integer_op!(op, a, b, checked, span, UInt64, u64, 63)
        }
        (Operand::F32, Value::Single(a), Value::Single(b)) => float_op!(op, a, b, span, Single),
        (Operand::F64, Value::Double(a), Value::Double(b)) => float_op!(op, a, b, span, Double),
        (Operand::Dec, Value::Decimal(a), Value::Decimal(b)) => decimal_op(op, a, b, span)?,
        (Operand::Bool, Value::Bool(a), Value::Bool(b)) => match op {
            BinOp::Eq => Value::Bool(a == b),
            BinOp::Ne => Value::Bool(a != b),
            BinOp::BitAnd => Value::Bool(a & b),
            BinOp::BitOr => Value::Bool(a | b),
            BinOp::BitXor => Value::Bool(a ^ b),
            _ => return Err(internal("operator on bools", span)),
        },
        (Operand::Str, a, b) => {
            let equal = match (&a, &b) {
                (Value::String(x), Value::String(y)) => x == y,
                (Value::Null, Value::Null) => true,
                _ => false,
            };
            match op {
                BinOp::Eq => Value::Bool(equal),
                BinOp::Ne => Value::Bool(!equal),
                _ => return Err(internal("operator on strings", span)),
            }
        }
        (Operand::Char, Value::Char(a), Value::Char(b)) => compare(op, a.cmp(&b), span)?,
        (Operand::DateTime, Value::DateTime(a), b) => match (op, b) {
            (BinOp::DateDiff, Value::DateTime(b)) => Value::TimeSpan(TimeSpan(a.ticks - b.ticks)),
            (BinOp::Add, Value::TimeSpan(TimeSpan(t))) => date_plus(a, t, span)?,
            (BinOp::Sub, Value::TimeSpan(TimeSpan(t))) => {
                date_plus(a, t.checked_neg().ok_or_else(|| overflow(span))?, span)?
            }
            (_, Value::DateTime(b)) => compare(op, a.ticks.cmp(&b.ticks), span)?,
            _ => return Err(internal("operator on dates", span)),
        },
        (Operand::DateTimeOffset, Value::DateTimeOffset(a), b) => match (op, b) {
            (BinOp::DateDiff, Value::DateTimeOffset(b)) => {
                Value::TimeSpan(TimeSpan(a.utc_ticks() - b.utc_ticks()))
            }
            (BinOp::Add | BinOp::Sub, Value::TimeSpan(TimeSpan(t))) => {
                let delta = if op == BinOp::Add {
                    t
                } else {
                    t.checked_neg().ok_or_else(|| overflow(span))?
                };
                let ticks = a
                    .ticks
                    .checked_add(delta)
                    .filter(|t| time::in_range(*t))
                    .ok_or_else(|| date_range(span))?;
                Value::DateTimeOffset(DateTimeOffset {
                    ticks,
                    offset_minutes: a.offset_minutes,
                })
            }
            (_, Value::DateTimeOffset(b)) => compare(op, a.utc_ticks().cmp(&b.utc_ticks()), span)?,
            _ => return Err(internal("operator on dates", span)),
        },
        (Operand::TimeSpan, Value::TimeSpan(TimeSpan(a)), Value::TimeSpan(TimeSpan(b))) => match op
        {
            BinOp::Add => Value::TimeSpan(TimeSpan(
                a.checked_add(b).ok_or_else(|| timespan_overflow(span))?,
            )),
            BinOp::Sub => Value::TimeSpan(TimeSpan(
                a.checked_sub(b).ok_or_else(|| timespan_overflow(span))?,
            )),
            _ => compare(op, a.cmp(&b), span)?,
        },
        (Operand::Guid, Value::Guid(a), Value::Guid(b)) => match op {
            BinOp::Eq => Value::Bool(a == b),
            BinOp::Ne => Value::Bool(a != b),
            _ => return Err(internal("operator on guids", span)),
        },
        (Operand::Enum, Value::Enum(kind, a), Value::Enum(_, b)) => match op {
            BinOp::BitAnd => Value::Enum(kind, a & b),
            BinOp::BitOr => Value::Enum(kind, a | b),
            BinOp::BitXor => Value::Enum(kind, a ^ b),
            _ => compare(op, a.cmp(&b), span)?,
        },
        (Operand::Ref, a, b) => match op {
            BinOp::Eq => Value::Bool(a.same_reference(&b)),
            BinOp::Ne => Value::Bool(!a.same_reference(&b)),
            _ => return Err(internal("operator on references", span)),
        },
        (_, a, b) => {
            // Operands of mixed width reach here only through a checker bug; widen and retry.
            return match (numeric_of(&a), numeric_of(&b)) {
                (Some(_), Some(_)) => {
                    let ty = operand_type(operand);
                    let a = numeric_convert(&a, &ty, false, span)?;
                    let b = numeric_convert(&b, &ty, false, span)?;
                    if a.runtime_type() == ty && b.runtime_type() == ty {
                        binary(op, operand, a, b, checked, span)
                    } else {
                        Err(internal("operands of mismatched types", span))
                    }
                }
                _ => Err(internal(
                    &format!(
                        "operator {op:?} on {} and {}",
                        a.runtime_type(),
                        b.runtime_type()
                    ),
                    span,
                )),
            };
        }
    })
}

fn date_range(span: Span) -> Fault {
    Fault::throw(
        Class::ArgumentOutOfRangeException,
        "The added or subtracted value results in an un-representable DateTime.",
        span,
    )
}

fn timespan_overflow(span: Span) -> Fault {
    Fault::throw(
        Class::OverflowException,
        "TimeSpan overflowed because the duration is too long.",
        span,
    )
}

fn date_plus(date: DateTime, ticks: i64, span: Span) -> Result<Value, Fault> {
    let result = date
        .ticks
        .checked_add(ticks)
        .filter(|t| time::in_range(*t))
        .ok_or_else(|| date_range(span))?;
    Ok(Value::DateTime(DateTime {
        ticks: result,
        kind: date.kind,
    }))
}

fn compare(op: BinOp, ordering: std::cmp::Ordering, span: Span) -> Result<Value, Fault> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    Ok(Value::Bool(match op {
        BinOp::Eq => ordering == Equal,
        BinOp::Ne => ordering != Equal,
        BinOp::Lt => ordering == Less,
        BinOp::Gt => ordering == Greater,
        BinOp::Le => ordering != Greater,
        BinOp::Ge => ordering != Less,
        _ => return Err(internal("arithmetic on values that only compare", span)),
    }))
}

fn decimal_op(op: BinOp, a: Decimal, b: Decimal, span: Span) -> Result<Value, Fault> {
    let decimal_overflow = || {
        Fault::throw(
            Class::OverflowException,
            "Value was either too large or too small for a Decimal.",
            span,
        )
    };
    Ok(match op {
        BinOp::Add => Value::Decimal(a.checked_add(b).ok_or_else(decimal_overflow)?),
        BinOp::Sub => Value::Decimal(a.checked_sub(b).ok_or_else(decimal_overflow)?),
        BinOp::Mul => Value::Decimal(a.checked_mul(b).ok_or_else(decimal_overflow)?),
        BinOp::Div => {
            if b.is_zero() {
                return Err(divide_by_zero(span));
            }
            Value::Decimal(a.checked_div(b).ok_or_else(decimal_overflow)?)
        }
        BinOp::Rem => {
            if b.is_zero() {
                return Err(divide_by_zero(span));
            }
            Value::Decimal(a.checked_rem(b).ok_or_else(decimal_overflow)?)
        }
        _ => compare(op, a.cmp(&b), span)?,
    })
}

/// A lifted operator: null operands give null (arithmetic), `false` (ordering), or compare as
/// null (`==`, `!=`).
fn lifted(
    op: BinOp,
    operand: Operand,
    a: Value,
    b: Value,
    checked: bool,
    span: Span,
) -> Result<Value, Fault> {
    match (a.is_null(), b.is_null()) {
        (false, false) => binary(op, operand, a, b, checked, span),
        (left_null, right_null) => Ok(match op {
            BinOp::Eq => Value::Bool(left_null && right_null),
            BinOp::Ne => Value::Bool(!(left_null && right_null)),
            BinOp::Lt | BinOp::Gt | BinOp::Le | BinOp::Ge => Value::Bool(false),
            _ => Value::Null,
        }),
    }
}

/// Used by library code that needs `EnumKind` for flags.
pub fn enum_value(kind: EnumKind, value: &Value) -> i64 {
    match value {
        Value::Enum(k, v) if *k == kind => *v,
        _ => 0,
    }
}

/// A decimal from a double, as `(decimal)d` does it.
pub fn decimal_from_double(value: f64, span: Span) -> Result<Decimal, Fault> {
    match numeric_convert(&Value::Double(value), &Type::Decimal, true, span)? {
        Value::Decimal(d) => Ok(d),
        _ => Err(internal("decimal conversion", span)),
    }
}

#[allow(dead_code, reason = "kept next to the other helpers for library code")]
pub fn decimal_from_i64(value: i64) -> Decimal {
    Decimal::from_i64(value).unwrap_or(Decimal::ZERO)
}
