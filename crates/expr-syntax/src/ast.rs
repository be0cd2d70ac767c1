//! The syntax tree of a policy expression. Spans are byte offsets into the expression's code
//! (the text between `@(` and `)` or `@{` and `}`); `gatehouse_reader::Expression::source_offset`
//! maps them to the file.

pub use gatehouse_diagnostics::Span;

/// A name as written, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// The C# keywords that name types.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Predefined {
    Bool,
    Byte,
    Char,
    Decimal,
    Double,
    Float,
    Int,
    Long,
    Object,
    SByte,
    Short,
    String,
    UInt,
    ULong,
    UShort,
}

impl Predefined {
    pub fn from_keyword(keyword: &str) -> Option<Predefined> {
        Some(match keyword {
            "bool" => Predefined::Bool,
            "byte" => Predefined::Byte,
            "char" => Predefined::Char,
            "decimal" => Predefined::Decimal,
            "double" => Predefined::Double,
            "float" => Predefined::Float,
            "int" => Predefined::Int,
            "long" => Predefined::Long,
            "object" => Predefined::Object,
            "sbyte" => Predefined::SByte,
            "short" => Predefined::Short,
            "string" => Predefined::String,
            "uint" => Predefined::UInt,
            "ulong" => Predefined::ULong,
            "ushort" => Predefined::UShort,
            _ => return None,
        })
    }

    pub fn keyword(self) -> &'static str {
        match self {
            Predefined::Bool => "bool",
            Predefined::Byte => "byte",
            Predefined::Char => "char",
            Predefined::Decimal => "decimal",
            Predefined::Double => "double",
            Predefined::Float => "float",
            Predefined::Int => "int",
            Predefined::Long => "long",
            Predefined::Object => "object",
            Predefined::SByte => "sbyte",
            Predefined::Short => "short",
            Predefined::String => "string",
            Predefined::UInt => "uint",
            Predefined::ULong => "ulong",
            Predefined::UShort => "ushort",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TypeName {
    Predefined(Predefined),
    /// `JObject`, `System.Text.Encoding`, `List` (with arguments in [`TypeSyntax::args`]).
    Qualified(Vec<Ident>),
}

/// A type as written: `int?`, `List<string>`, `byte[]`, `Newtonsoft.Json.Linq.JObject`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TypeSyntax {
    pub name: TypeName,
    pub args: Vec<TypeSyntax>,
    pub nullable: bool,
    /// Array ranks, outermost first; each is the number of dimensions (1 for `[]`).
    pub ranks: Vec<u8>,
    pub span: Span,
}

/// An expression node. `depth` is the height of the subtree (a leaf is 1); the parser refuses
/// to build one deeper than its limit, so every recursive walk over the tree is bounded.
#[derive(Clone, Debug, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
    pub depth: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum IntSuffix {
    None,
    U,
    L,
    UL,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RealSuffix {
    None,
    F,
    D,
    M,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    /// The value as written (it may not fit the type C# gives it; the checker says so).
    Int {
        value: u128,
        suffix: IntSuffix,
    },
    /// The digits as written, without separators and suffix, for exact decimal conversion.
    Real {
        text: String,
        suffix: RealSuffix,
    },
    /// The decoded text. A lone UTF-16 surrogate escape becomes U+FFFD.
    String(String),
    /// A UTF-16 code unit.
    Char(u16),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum UnaryOp {
    Not,
    Negate,
    Plus,
    Complement,
    PreIncrement,
    PreDecrement,
    PostIncrement,
    PostDecrement,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Mul,
    Div,
    Rem,
    Add,
    Sub,
    Shl,
    Shr,
    Lt,
    Gt,
    Le,
    Ge,
    Eq,
    Ne,
    BitAnd,
    BitXor,
    BitOr,
    And,
    Or,
    Coalesce,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Rem => "%",
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Shl => "<<",
            BinaryOp::Shr => ">>",
            BinaryOp::Lt => "<",
            BinaryOp::Gt => ">",
            BinaryOp::Le => "<=",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
            BinaryOp::Ne => "!=",
            BinaryOp::BitAnd => "&",
            BinaryOp::BitXor => "^",
            BinaryOp::BitOr => "|",
            BinaryOp::And => "&&",
            BinaryOp::Or => "||",
            BinaryOp::Coalesce => "??",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArgumentValue {
    Value(Expr),
    /// `out var x`, `out string x`: declares the variable.
    OutDeclaration {
        ty: Option<TypeSyntax>,
        name: Ident,
    },
    /// `out x`: an existing variable.
    Out(Expr),
    Ref(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Argument {
    /// `preserveContent: true`
    pub name: Option<Ident>,
    pub value: ArgumentValue,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Pattern {
    Null,
    /// `is string` or `is string s`.
    Type {
        ty: TypeSyntax,
        binding: Option<Ident>,
    },
    Constant(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct LambdaParam {
    pub ty: Option<TypeSyntax>,
    pub name: Ident,
}

#[derive(Clone, Debug, PartialEq)]
pub enum LambdaBody {
    Expr(Box<Expr>),
    Block(Block),
}

#[derive(Clone, Debug, PartialEq)]
pub enum InitValue {
    Expr(Expr),
    Object(Vec<InitItem>),
}

/// One item of an object or collection initializer.
#[derive(Clone, Debug, PartialEq)]
pub enum InitItem {
    /// `Key = value`
    Member { name: Ident, value: InitValue },
    /// `["k"] = value`
    Index { args: Vec<Argument>, value: Expr },
    /// `{ "k", value }`: an `Add` with several arguments.
    Element { values: Vec<Expr>, span: Span },
    /// `value`: an `Add` with one argument.
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ArrayItem {
    Expr(Expr),
    Nested(Vec<ArrayItem>, Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct AnonymousMember {
    /// `None` for a projection (`new { x.Name }` names the member `Name`).
    pub name: Option<Ident>,
    pub value: Expr,
}

#[derive(Clone, Debug, PartialEq)]
pub enum InterpolationPart {
    /// Literal text, escapes decoded, `{{` and `}}` as single braces.
    Text(String),
    Hole {
        value: Box<Expr>,
        alignment: Option<Box<Expr>>,
        format: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq)]
pub enum ExprKind {
    Literal(Literal),
    /// `{{name}}` left in code when named values are not known (lint).
    NamedValue(String),
    /// A simple name, maybe with type arguments (`Foo<T>` as a call target).
    Name {
        name: Ident,
        type_args: Vec<TypeSyntax>,
    },
    /// `string` in `string.Empty`, `int` in `int.Parse`.
    PredefinedType(Predefined),
    Member {
        target: Box<Expr>,
        name: Ident,
        type_args: Vec<TypeSyntax>,
        /// `?.`
        conditional: bool,
    },
    Call {
        target: Box<Expr>,
        args: Vec<Argument>,
    },
    Index {
        target: Box<Expr>,
        args: Vec<Argument>,
        /// `?[`
        conditional: bool,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Cast {
        ty: TypeSyntax,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    Is {
        operand: Box<Expr>,
        pattern: Pattern,
    },
    As {
        operand: Box<Expr>,
        ty: TypeSyntax,
    },
    Conditional {
        condition: Box<Expr>,
        when_true: Box<Expr>,
        when_false: Box<Expr>,
    },
    /// `a = b`, or `a += b` with `op` `Some(Add)`; `??=` is `Some(Coalesce)`.
    Assign {
        op: Option<BinaryOp>,
        target: Box<Expr>,
        value: Box<Expr>,
    },
    Lambda {
        params: Vec<LambdaParam>,
        body: LambdaBody,
    },
    New {
        ty: TypeSyntax,
        args: Vec<Argument>,
        initializer: Option<Vec<InitItem>>,
    },
    /// `new T[n]`, `new T[] { … }`, `new[] { … }` (element type `None`).
    NewArray {
        element: Option<TypeSyntax>,
        sizes: Vec<Expr>,
        items: Option<Vec<ArrayItem>>,
    },
    NewAnonymous {
        members: Vec<AnonymousMember>,
    },
    Interpolated {
        parts: Vec<InterpolationPart>,
    },
    Typeof(TypeSyntax),
    Default(Option<TypeSyntax>),
    Nameof(Box<Expr>),
    Checked(Box<Expr>),
    Unchecked(Box<Expr>),
    This,
    Throw(Box<Expr>),
    /// The end of a member-access chain that contains `?.` or `?[`: if any conditional access
    /// in it meets null, the whole chain is null.
    NullConditionalChain(Box<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub statements: Vec<Stmt>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Declarator {
    pub name: Ident,
    pub init: Option<ArrayItem>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LocalDeclaration {
    pub is_const: bool,
    /// `None` for `var`.
    pub ty: Option<TypeSyntax>,
    pub declarators: Vec<Declarator>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Parameter {
    pub ty: TypeSyntax,
    pub name: Ident,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ForInit {
    Declaration(LocalDeclaration),
    Exprs(Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SwitchLabel {
    /// `None` for `default:`.
    pub pattern: Option<Pattern>,
    pub guard: Option<Expr>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SwitchSection {
    pub labels: Vec<SwitchLabel>,
    pub statements: Vec<Stmt>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CatchClause {
    pub ty: Option<TypeSyntax>,
    pub name: Option<Ident>,
    pub filter: Option<Expr>,
    pub body: Block,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum UsingResource {
    Declaration(LocalDeclaration),
    Expr(Expr),
}

#[derive(Clone, Debug, PartialEq)]
pub enum StmtKind {
    Block(Block),
    Empty,
    Expr(Expr),
    Local(LocalDeclaration),
    LocalFunction {
        /// `None` for `void`.
        return_type: Option<TypeSyntax>,
        name: Ident,
        params: Vec<Parameter>,
        body: LambdaBody,
    },
    If {
        condition: Expr,
        then: Box<Stmt>,
        otherwise: Option<Box<Stmt>>,
    },
    While {
        condition: Expr,
        body: Box<Stmt>,
    },
    DoWhile {
        body: Box<Stmt>,
        condition: Expr,
    },
    For {
        init: Option<ForInit>,
        condition: Option<Expr>,
        iterators: Vec<Expr>,
        body: Box<Stmt>,
    },
    Foreach {
        ty: Option<TypeSyntax>,
        name: Ident,
        collection: Expr,
        body: Box<Stmt>,
    },
    Switch {
        subject: Expr,
        sections: Vec<SwitchSection>,
    },
    Try {
        body: Block,
        catches: Vec<CatchClause>,
        finally: Option<Block>,
    },
    Using {
        resource: UsingResource,
        body: Box<Stmt>,
    },
    Checked(Block),
    Unchecked(Block),
    Return(Option<Expr>),
    Throw(Option<Expr>),
    Break,
    Continue,
}

/// What an expression's code holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Body {
    /// `@( expression )`
    Expr(Expr),
    /// `@{ statements }`
    Block(Block),
}
