//! The compiled form of an expression: names resolved to slots, members to functions,
//! operators to typed operations, implicit conversions made explicit. The evaluator walks it;
//! it is built once when a policy loads, never per request.

use std::sync::Arc;

use gatehouse_diagnostics::Span;

use crate::library::NativeFn;
use crate::types::{Class, Type};
use crate::value::Value;

/// A compiled body: the expression, a lambda, or a local function.
#[derive(Debug)]
pub struct Function {
    pub name: String,
    /// Parameters occupy the first slots of the frame.
    pub params: usize,
    pub frame_size: usize,
    /// Makes no closures, so its frame cannot be captured: its locals live on the evaluator's
    /// stack instead of in a shared frame.
    pub leaf: bool,
    pub body: FunctionBody,
    /// The delegate type (`Func<…>`), for `GetType()`.
    pub signature: Type,
}

#[derive(Debug)]
pub enum FunctionBody {
    Expr(Ir),
    Block(Vec<Stmt>),
}

/// Where a variable lives: `up` frames out, at `slot`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LocalRef {
    pub up: u16,
    pub slot: u16,
}

/// Operand kinds of the built-in operators, after the compiler's conversions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operand {
    I32,
    U32,
    I64,
    U64,
    F32,
    F64,
    Dec,
    Bool,
    Str,
    Char,
    DateTime,
    DateTimeOffset,
    TimeSpan,
    Guid,
    Enum,
    /// Reference equality (`object ==`, classes without an `==` operator).
    Ref,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    Shl,
    Shr,
    BitAnd,
    BitOr,
    BitXor,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    /// `DateTime - DateTime` → `TimeSpan`, and the like: the result type differs.
    DateDiff,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnOp {
    Negate,
    Complement,
    Not,
}

/// How a value becomes another type at run time.
#[derive(Clone, Debug, PartialEq)]
pub enum Convert {
    /// To this numeric type (`checked` throws on overflow).
    Numeric { to: Type, checked: bool },
    /// Unboxing: the run-time type must be exactly this (or null for nullable targets).
    Unbox(Type),
    /// Reference cast: the run-time type must derive from this; null passes.
    Downcast(Type),
    /// `T?` → `T`: null throws `InvalidOperationException`.
    UnwrapNullable,
    /// A .NET value to a `JToken` (Newtonsoft's implicit operators).
    ToJToken,
    /// A string to `XName` (`"{ns}local"`) or `XNamespace`; null stays null.
    ToXmlName(Class),
    /// A `JToken` to a .NET value (Newtonsoft's explicit operators).
    FromJToken(Type),
    /// Enum to integer or back.
    EnumInteger(Type),
    /// `DateTime` to `DateTimeOffset`: UTC times get offset zero, others the local offset
    /// (also zero: local time is UTC).
    DateToOffset,
}

/// A place that can be assigned to.
#[derive(Debug)]
pub enum Place {
    Local(LocalRef),
    /// A settable property.
    Property {
        target: Box<Ir>,
        getter: Option<NativeFn>,
        setter: NativeFn,
        span: Span,
    },
    /// An indexer.
    Index {
        target: Box<Ir>,
        args: Vec<Ir>,
        getter: NativeFn,
        setter: NativeFn,
        span: Span,
    },
}

#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "text parts are few; boxing the value would cost every evaluation"
)]
pub enum InterpolationPart {
    Text(Arc<str>),
    Value {
        value: Ir,
        alignment: Option<Ir>,
        format: Option<Arc<str>>,
    },
}

#[derive(Debug)]
#[allow(
    clippy::large_enum_variant,
    reason = "built once per document; a box per call site would cost a pointer chase per evaluation"
)]
pub enum Ir {
    Const(Value),
    Local(LocalRef),
    /// The `context` object.
    Context,
    /// A library member. `target` is the receiver (absent for statics); `outs` are the
    /// argument positions written back to places after the call.
    Native {
        func: NativeFn,
        name: &'static str,
        target: Option<Box<Ir>>,
        args: Vec<Ir>,
        type_args: Vec<Type>,
        outs: Vec<(usize, Place)>,
        /// Instance members throw `NullReferenceException` on a null receiver; extension
        /// methods do not.
        null_receiver_throws: bool,
        span: Span,
    },
    /// `token["name"]` on a `JToken` with a constant name, the commonest call in policies:
    /// looked up directly when the token is an object, else through `func` (the indexer),
    /// which raises Newtonsoft's errors. Costs one step, like the call it replaces.
    JsonProperty {
        func: NativeFn,
        target: Box<Ir>,
        property: crate::value::Str,
        span: Span,
    },
    /// Calling a delegate or local function value.
    Invoke {
        callee: Box<Ir>,
        args: Vec<Ir>,
        span: Span,
    },
    Convert {
        op: Convert,
        value: Box<Ir>,
        span: Span,
    },
    Unary {
        op: UnOp,
        operand: Operand,
        value: Box<Ir>,
        checked: bool,
        span: Span,
    },
    Binary {
        op: BinOp,
        operand: Operand,
        left: Box<Ir>,
        right: Box<Ir>,
        checked: bool,
        span: Span,
    },
    /// A lifted operator over nullable operands: null in gives null out (or `false` for
    /// comparisons, as C# defines).
    Lifted {
        op: BinOp,
        operand: Operand,
        left: Box<Ir>,
        right: Box<Ir>,
        checked: bool,
        span: Span,
    },
    /// `string + x`: each part through `ToString()`, null as empty.
    Concat(Vec<Ir>),
    Interpolated(Vec<InterpolationPart>),
    And(Box<Ir>, Box<Ir>),
    Or(Box<Ir>, Box<Ir>),
    Coalesce(Box<Ir>, Box<Ir>),
    Conditional(Box<Ir>, Box<Ir>, Box<Ir>),
    Assign {
        place: Place,
        value: Box<Ir>,
    },
    /// `place op= value`; the place's parts are evaluated once. `converts` turns the result
    /// back into the place's type.
    Compound {
        place: Place,
        op: Box<CompoundOp>,
        value: Box<Ir>,
    },
    /// `++`/`--`, prefix or postfix.
    Step {
        place: Place,
        operand: Operand,
        increment: bool,
        prefix: bool,
        to: Type,
        checked: bool,
        span: Span,
    },
    /// `a?.b`: if the receiver is null, the whole chain is null.
    NullGuard(Box<Ir>),
    /// The end of a `?.` chain.
    ChainEnd(Box<Ir>),
    Closure(Arc<Function>),
    /// `x is T [name]`: stores into `binding` on success.
    Is {
        value: Box<Ir>,
        target: Type,
        binding: Option<LocalRef>,
    },
    As {
        value: Box<Ir>,
        target: Type,
    },
    Default(Type),
    NewArray {
        element: Type,
        size: Box<Ir>,
        span: Span,
    },
    ArrayOf {
        element: Type,
        items: Vec<Ir>,
    },
    Anonymous {
        names: Arc<[String]>,
        values: Vec<Ir>,
    },
    Throw(Box<Ir>, Span),
    /// Evaluates the first, then yields the second (object initializers).
    Sequence(Vec<Ir>, Box<Ir>),
    /// The value being initialised in an object or collection initializer.
    InitTarget,
    WithInitTarget(Box<Ir>, Vec<Ir>),
}

/// The operation of a compound assignment: the current value (as `Ir::InitTarget`-style hole
/// `Ir::Const(Null)` is replaced at run time) combined with the right side.
#[derive(Debug)]
pub enum CompoundOp {
    Binary {
        op: BinOp,
        operand: Operand,
        /// Converts the place's current value to the operand type.
        widen: Option<Convert>,
        /// Converts the result back to the place's type.
        narrow: Option<Convert>,
        checked: bool,
        span: Span,
    },
    Concat,
    Coalesce,
    Lifted {
        op: BinOp,
        operand: Operand,
        checked: bool,
        span: Span,
    },
}

#[derive(Debug)]
pub enum SwitchLabel {
    Constant(Value),
    Type {
        target: Type,
        binding: Option<LocalRef>,
    },
    Null,
    Default,
}

#[derive(Debug)]
pub struct SwitchSection {
    pub labels: Vec<(SwitchLabel, Option<Ir>)>,
    pub body: Vec<Stmt>,
}

#[derive(Debug)]
pub struct CatchClause {
    /// The exception class caught (`Exception` catches all).
    pub class: Class,
    pub binding: Option<LocalRef>,
    pub filter: Option<Ir>,
    pub body: Vec<Stmt>,
}

#[derive(Debug)]
pub enum Stmt {
    Expr(Ir),
    Store(LocalRef, Ir),
    /// Binds a local function: its closure is made when the block starts.
    Block(Vec<Stmt>),
    If {
        condition: Ir,
        then: Vec<Stmt>,
        otherwise: Vec<Stmt>,
    },
    While {
        condition: Ir,
        body: Vec<Stmt>,
    },
    DoWhile {
        body: Vec<Stmt>,
        condition: Ir,
    },
    For {
        init: Vec<Stmt>,
        condition: Option<Ir>,
        step: Vec<Ir>,
        body: Vec<Stmt>,
    },
    Foreach {
        collection: Ir,
        variable: LocalRef,
        convert: Option<Convert>,
        body: Vec<Stmt>,
        span: Span,
    },
    Switch {
        subject: Ir,
        sections: Vec<SwitchSection>,
    },
    Try {
        body: Vec<Stmt>,
        catches: Vec<CatchClause>,
        finally: Vec<Stmt>,
    },
    Return(Option<Ir>),
    Throw(Option<Ir>, Span),
    Break,
    Continue,
}
