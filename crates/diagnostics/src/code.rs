//! The one table of diagnostic codes.
//!
//! Every problem Gatehouse reports has a stable code from this table. Codes are never reused
//! or renumbered: users grep for them, suppress them and configure them. Ranges:
//!
//! | range | stage |
//! |---|---|
//! | `GH0001`–`GH0099` | reading policy text (XML, expression boundaries, named-value references) |
//! | `GH0100`–`GH0199` | policy expressions (syntax, types) |
//! | `GH0200`–`GH0399` | the policy model and lint rules |

use crate::Severity;

/// What the user sees when they ask about a code.
#[derive(Debug)]
pub struct CodeInfo {
    /// Stable identifier, `GH` and four digits.
    pub id: &'static str,
    /// Stable kebab-case name, for configuration files.
    pub name: &'static str,
    pub default_severity: Severity,
    /// One line, lower case, no final period.
    pub summary: &'static str,
    /// Why the rule exists and an example of the fix; shown by `gatehouse explain`.
    pub explanation: &'static str,
}

macro_rules! code_table {
    ($( $variant:ident = $id:literal $name:literal $severity:ident $summary:literal $explanation:literal; )*) => {
        /// A stable diagnostic code. See the module documentation for the ranges.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Code {
            $( $variant, )*
        }

        impl Code {
            /// Every code, in table order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            pub fn info(self) -> &'static CodeInfo {
                match self {
                    $( Code::$variant => &CodeInfo {
                        id: $id,
                        name: $name,
                        default_severity: Severity::$severity,
                        summary: $summary,
                        explanation: $explanation,
                    }, )*
                }
            }
        }
    };
}

impl Code {
    pub fn id(self) -> &'static str {
        self.info().id
    }

    pub fn name(self) -> &'static str {
        self.info().name
    }

    pub fn default_severity(self) -> Severity {
        self.info().default_severity
    }

    /// Looks a code up by its id (`GH0007`, case-insensitive) or its name (`mismatched-end-tag`).
    pub fn lookup(key: &str) -> Option<Code> {
        Code::ALL
            .iter()
            .copied()
            .find(|code| code.id().eq_ignore_ascii_case(key) || code.name() == key)
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

code_table! {
    InvalidUtf8 = "GH0001" "invalid-utf8" Error
        "policy text is not valid utf-8"
        "Policy documents are UTF-8 text. A byte sequence that is not UTF-8 usually means the file was \
saved in another encoding (UTF-16, Windows-1252) or is not a policy file at all.\n\n\
Fix: save the file as UTF-8 (without a byte-order mark, or with the UTF-8 one).";

    DocumentTooLarge = "GH0002" "document-too-large" Error
        "policy document is larger than the size limit"
        "The reader refuses documents above its size limit (4 MiB unless configured) before parsing them, \
so that a runaway file cannot exhaust memory. APIM itself limits policy documents to 256 KiB and \
fragments to 512 KiB.\n\nFix: split the policy into fragments, or raise the limit if the file is really meant to be this large.";

    NestingTooDeep = "GH0003" "nesting-too-deep" Error
        "elements are nested deeper than the depth limit"
        "The reader stops at a nesting depth of 256 elements unless configured otherwise. Real policies \
nest a few levels deep; thousands of levels mean generated or hostile input, which would otherwise \
exhaust the stack of every tool that walks the tree.\n\nFix: flatten the document.";

    EmptyDocument = "GH0004" "empty-document" Error
        "document has no root element"
        "A policy document has exactly one root element, `<policies>` or `<fragment>`. The file is empty \
or holds only comments and whitespace.\n\nFix:\n\n    <policies>\n        <inbound><base /></inbound>\n        <backend><base /></backend>\n        <outbound><base /></outbound>\n        <on-error><base /></on-error>\n    </policies>";

    DoctypeNotAllowed = "GH0005" "doctype-not-allowed" Error
        "document type declarations and entity declarations are refused"
        "A `<!DOCTYPE …>` may declare entities. Expanding them enables the billion-laughs attack and \
external entities can read local files (XXE). Policy documents never need one, so the reader refuses \
it and never expands a declared entity.\n\nFix: delete the `<!DOCTYPE …>` declaration and write the \
text the entities stood for.";

    UnclosedElement = "GH0006" "unclosed-element" Error
        "element is never closed"
        "Every start tag `<name …>` needs a matching end tag `</name>`, or must be self-closing \
(`<name … />`). An empty element with the same name and no attributes, `<name/>`, right before \
the parent's end tag stands where `</name>` belongs, and is read as that end tag.\n\nFix: add the \
end tag (or write `</name>` for that `<name/>`), or end the start tag with `/>`.";

    MismatchedEndTag = "GH0007" "mismatched-end-tag" Error
        "end tag does not match the open element"
        "An end tag must close the innermost open element. `<a><b></a>` closes `a` while `b` is still \
open. An end tag a few edits from the open element's name (`</set-heder>`) is taken as that element's, \
so the elements after it stay its siblings.\n\nFix: close the inner element first: \
`<a><b></b></a>`, or correct the name.";

    UnexpectedEndTag = "GH0008" "unexpected-end-tag" Error
        "end tag has no matching start tag"
        "The end tag closes an element that was never opened, or was already closed.\n\nFix: remove \
the end tag, or add the missing start tag.";

    DuplicateAttribute = "GH0009" "duplicate-attribute" Error
        "attribute is given twice on one element"
        "XML allows each attribute name once per element; APIM rejects the policy on save.\n\nFix: keep \
one of the two attributes.";

    MalformedAttribute = "GH0010" "malformed-attribute" Error
        "attribute is not written as name=\"value\""
        "Attributes are written `name=\"value\"` or `name='value'`, separated by whitespace. A value \
whose closing quote was forgotten before the next attribute or the tag's `>`, or closed with the other \
quote, or a value after a name whose `=` was left out (`name \"X-Tier\"`), is read as meant and \
reported once.\n\nFix: add the missing `=` or quotes: \
`exists-action=\"override\"`.";

    InvalidName = "GH0011" "invalid-name" Error
        "element or attribute name is not a valid xml name"
        "An element or attribute name starts with a letter, `_` or `:` and continues with letters, digits, `-`, `_`, \
`.` or `:`.\n\nFix: correct the name; policy names are lower-case words joined by `-`, such as \
`set-header`.";

    UnescapedLessThan = "GH0012" "unescaped-less-than" Error
        "`<` in text or an attribute value must be escaped"
        "Outside policy expressions, a `<` starts markup. To write a literal `<`, use `&lt;`. Inside \
`@(…)` and `@{…}` the reader accepts a raw `<`, as APIM does. Guides mark what the reader fills in \
with angle brackets (`https://login.microsoftonline.com/<tenant-id>/…`, \
`<audience><client-id></audience>`, `<-- your_app_id -->`): left in a policy, each is a `<` that \
starts markup, and the value APIM would get is not the one meant.\n\nFix: write `&lt;`, or move \
the comparison into an expression; for a placeholder, write the real value, or a named value \
`{{name}}`.";

    UnescapedAmpersand = "GH0013" "unescaped-ampersand" Error
        "`&` in text or an attribute value must be escaped"
        "Outside policy expressions, `&` starts an entity reference such as `&amp;`. A URL with a query \
string is the usual culprit: `?a=1&b=2`.\n\nFix: write `&amp;`: `?a=1&amp;b=2`.";

    UnknownEntity = "GH0014" "unknown-entity" Error
        "entity reference is not one of the five xml entities"
        "Only `&lt;`, `&gt;`, `&amp;`, `&quot;` and `&apos;` and character references such as `&#65;` or \
`&#x41;` are recognised. HTML entities such as `&nbsp;` are not XML.\n\nFix: use a character \
reference (`&#160;`) or the character itself.";

    InvalidCharacterReference = "GH0015" "invalid-character-reference" Error
        "character reference does not name a valid character"
        "A character reference `&#…;` must name a Unicode scalar value that XML allows: not 0, not a \
surrogate, at most `&#x10FFFF;`.\n\nFix: correct the number.";

    TextOutsideRoot = "GH0016" "text-outside-root" Error
        "text outside the root element"
        "Only whitespace, comments and processing instructions may stand before or after the root \
element.\n\nFix: move the text into an element, or into a comment.";

    MultipleRoots = "GH0017" "multiple-roots" Error
        "document has more than one root element"
        "A policy document has exactly one root element. A second one usually means that two documents \
were pasted into one file, or that a section was closed too early.\n\nFix: keep one root, or move the \
second element inside the first.";

    UnknownRootElement = "GH0018" "unknown-root-element" Error
        "root element is neither `<policies>` nor `<fragment>`"
        "A policy document's root is `<policies>`; a policy fragment's root is `<fragment>`.\n\nFix: \
wrap the policies in `<policies>` sections, or in `<fragment>`.";

    MisplacedXmlDeclaration = "GH0019" "misplaced-xml-declaration" Error
        "xml declaration is not at the very start of the document"
        "`<?xml version=\"1.0\"?>` may only appear as the first thing in a document, before any \
whitespace or comment.\n\nFix: move it to the start, or delete it: policy documents do not need one.";

    UnsupportedEncoding = "GH0020" "unsupported-encoding" Error
        "xml declaration names an encoding other than utf-8"
        "Gatehouse reads policy text as UTF-8, as APIM stores it. A declaration such as \
`encoding=\"ISO-8859-1\"` would make other XML tools read the same bytes differently.\n\nFix: save the \
file as UTF-8 and write `encoding=\"utf-8\"`, or drop the declaration.";

    UnclosedMarkup = "GH0021" "unclosed-markup" Error
        "comment, cdata section, processing instruction or tag is never closed"
        "A `<!--` needs `-->`, `<![CDATA[` needs `]]>`, `<?` needs `?>`, and a tag needs `>`. Where the \
end was mistyped (a start tag whose `@{…}` or first child follows without `>`, an end tag without `>` \
before the next tag, a comment closed with `->`, a comment whose `--` a word processor made a dash: \
`<!— … —>`), Gatehouse reads on as the author meant and reports the slip once, instead of one error \
per word that follows.\n\nFix: add the closing delimiter, or write the dash as `--`.";

    ControlCharacter = "GH0022" "control-character" Error
        "control character is not allowed in xml"
        "XML 1.0 forbids control characters other than tab, line feed and carriage return, even as \
character references. Binary data pasted into a policy is the usual cause.\n\nFix: remove the \
character, or encode the data (for example as base64).";

    BidirectionalOverride = "GH0023" "bidirectional-override" Warning
        "invisible bidirectional formatting character in the policy"
        "Unicode's embedding, override and isolate characters (U+202A–U+202E, U+2066–U+2069) are \
invisible and reorder the text around them on screen. Inside an expression they can make code look \
different in review from what APIM compiles: a `// check` comment that appears to end a line, or a \
string that appears to hold `admin` (\"Trojan Source\", CVE-2021-42574; rustc rejects them in source \
for the same reason). APIM accepts them, so this is a warning.\n\nFix: remove the character. If \
right-to-left text in a value needs one, write it as a character reference, `&#x202E;`, which \
reviewers can see and which reads as the same character.";

    CommentHidesMarkup = "GH0024" "comment-hides-markup" Warning
        "a comment mistyped at its end hides the markup after it"
        "A comment ends at the first `-->`. One closed with `->` (a dash short) runs on to the end of the \
next comment, and every policy between the two is commented out: the document still reads, and APIM \
saves it, but those policies never run.\n\nFix: close the first comment with `-->`.";

    EscapedDocument = "GH0025" "escaped-document" Error
        "the document is still escaped as a json string or by a markdown editor"
        "A policy copied out of a JSON value (an ARM template's `value`, a REST response, a Bicep \
string) keeps JSON's escapes: `\\\"` for each quote and `\\r\\n` for each line break. XML has no \
backslash escapes, so every attribute is malformed and every `\\r\\n` is text between policies. \
A policy pasted through a markdown or rich-text editor comes back with each line indented by \
`&nbsp;`, an entity XML does not know, and with `\\[`, `\\&` and `\\_` written for `[`, `&` and \
`_`. Reading such a document would report each escape separately; it is reported once and not \
read further.\n\nFix: unescape it (`\\\"` → `\"`, `\\r\\n` → a line break; delete the `&nbsp;` \
indents and the backslashes), or take the policy from its source (`format: rawxml`, `az apim api \
policy show`, an APIOps export, the page's raw markdown).";

    UnclosedExpressionDelimiter = "GH0030" "unclosed-expression-delimiter" Error
        "policy expression has an unclosed bracket"
        "A policy expression `@(…)` or `@{…}` ends at the bracket that matches its opening one. When a \
bracket inside is never closed, the expression swallows the rest of the value.\n\nFix: add the missing \
`)`, `]` or `}`: `@(context.Request.Headers.GetValueOrDefault(\"x\", \"\"))`.";

    MismatchedExpressionDelimiter = "GH0031" "mismatched-expression-delimiter" Error
        "closing bracket does not match the opening one"
        "Brackets in a policy expression nest: `(` closes with `)`, `[` with `]`, `{` with `}`.\n\nFix: \
correct the closing bracket.";

    UnterminatedLiteral = "GH0032" "unterminated-literal" Error
        "string or character literal is never closed"
        "A C# string `\"…\"`, an interpolated string `$\"…\"` or a character literal `'…'` must end on \
the line where it starts; a verbatim string `@\"…\"` must end before the document does. Inside a \
string, write `\\\"` (or `\"\"` in a verbatim string) for a quote.\n\nFix: add the closing quote.";

    UnterminatedExpressionComment = "GH0033" "unterminated-expression-comment" Error
        "`/*` comment in a policy expression is never closed"
        "A `/*` comment inside `@(…)` or `@{…}` runs until `*/`.\n\nFix: add `*/`, or use a `//` \
comment.";

    UnclosedNamedValue = "GH0034" "unclosed-named-value" Warning
        "named value reference `{{` has no closing `}}`"
        "A named value is referenced as `{{name}}`. APIM replaces the whole reference with the value's \
text before anything else happens; without `}}` nothing is replaced and the braces stay in the value as \
literal text, which is almost never what was meant (a warning, since APIM accepts it).\n\nFix: close the \
reference: `{{backend-url}}`.";

    ExpressionInText = "GH0035" "expression-in-text" Warning
        "policy expression inside literal text is not evaluated"
        "APIM evaluates a value only when the whole value is one `@(…)` or `@{…}` (whitespace around \
it aside). Text or a named value beside the expression, or a second expression, makes the whole value \
literal text: `key=\"user-@(context.User.Id)\"` is the same key for every user, and \
`<value>Bearer @(token)</value>` sends the characters `@(token)`. Microsoft's policy toolkit reads such \
values the same way.\n\nFix: make the whole value one expression: `@(\"user-\" + context.User.Id)` or \
`@($\"user-{context.User.Id}\")`.";

    ExpressionSyntax = "GH0100" "expression-syntax" Error
        "policy expression is not valid c#"
        "The code inside `@(…)` is one C# expression; inside `@{…}` it is C# statements, and every \
path must end in `return`. APIM compiles it with the C# compiler, which rejects the policy on save.\n\n\
Example: `@(context.Request.Headers.GetValueOrDefault(\"x\",\"\"))`, `@{ var id = context.RequestId; \
return id.ToString(); }`.\n\nFix: correct the syntax at the place shown.";

    ExpressionTooDeep = "GH0101" "expression-too-deep" Error
        "policy expression nests deeper than the limit"
        "Expressions are limited in how deeply they nest (100 brackets or right-nested operators, 256 \
levels of the syntax tree) so that no expression can exhaust the gateway's stack. Real policies nest \
a few levels deep.\n\nFix: split the expression into local variables in a `@{ … }` block.";

    InvalidLiteral = "GH0102" "invalid-literal" Error
        "literal is not valid c#"
        "A number must fit its type (the largest integer literal is `ulong.MaxValue`), a character \
literal holds one character, and a string escape is one C# knows: `\\n`, `\\\"`, `\\uHHHH` and so on. \
Windows paths need doubled backslashes, or a verbatim string `@\"C:\\path\"`.\n\nFix: correct the literal.";

    UnknownName = "GH0103" "unknown-name" Error
        "name is not a local variable, `context` or a type"
        "An expression can use its own local variables and parameters, the `context` object, and the \
types APIM allows. C# names are case-sensitive: `Context` is not `context`.\n\nFix: correct the name \
(the help line suggests the closest one), or declare the variable first.";

    UnknownMember = "GH0104" "unknown-member" Error
        "type has no member of that name"
        "Members are looked up on the expression's static type, as the C# compiler does: \
`context.Variables[\"x\"]` is an `object`, so it has no `Length` until it is cast: \
`((string)context.Variables[\"x\"]).Length`.\n\nFix: correct the member name, or cast to the type \
that has it.";

    NoMatchingOverload = "GH0105" "no-matching-overload" Error
        "no overload of the method takes these arguments"
        "A method is chosen by the number and static types of its arguments. \
`Split(\",\")` needs .NET Core's `Split(string)`; `Split(',')` works everywhere.\n\nFix: pass \
arguments of the types one of the overloads listed in the help takes.";

    TypeNotAllowed = "GH0106" "type-not-allowed" Error
        "type is not on apim's list of allowed types"
        "APIM compiles expressions against an allow-list of .NET types; anything else fails when the \
policy is saved. `XmlReader`, `XmlDocument`, `File`, `HttpClient` and `Environment` are not on it.\n\n\
Fix: use an allowed type: `XDocument.Parse(text)` for XML, `send-request` for HTTP.";

    InvalidConversion = "GH0107" "invalid-conversion" Error
        "value cannot be converted to that type"
        "C# converts implicitly only where no information can be lost (`int` to `long`, `JObject` to \
`JToken`, any value to `object`); other conversions need a cast, and some are not possible at all.\n\n\
Fix: cast explicitly `(int)value`, parse text with `int.Parse`, or use a value of the right type.";

    InvalidOperator = "GH0108" "invalid-operator" Error
        "operator cannot be applied to operands of these types"
        "C# defines each operator for particular types: `&&` for `bool`, `+` for numbers and strings, \
`<` for numbers and dates. `context.Variables[\"n\"] > 5` compares an `object`, which has no `>`.\n\n\
Fix: cast the operands first: `(int)context.Variables[\"n\"] > 5`.";

    MissingReturn = "GH0109" "missing-return" Error
        "not every path through the block returns a value"
        "A `@{ … }` block is a method body: every path must end in `return` (or `throw`). APIM's \
compiler rejects a block whose end can be reached.\n\nFix: add a `return` at the end, or an `else` \
branch that returns.";

    ResultTypeMismatch = "GH0110" "result-type-mismatch" Error
        "expression's type does not fit where it is used"
        "Some attributes take a particular type: a `condition` must be `bool`. An expression of another \
type fails when the policy runs.\n\nFix: compare to produce a `bool`: \
`@(context.Request.Headers.GetValueOrDefault(\"x\", \"\") == \"yes\")`.";

    UnknownType = "GH0111" "unknown-type" Error
        "type name is not known"
        "Types are the .NET types APIM allows and the APIM interfaces (`IResponse`, `Jwt`, …), by their \
simple or full names.\n\nFix: correct the name (the help line suggests the closest one).";

    ReferenceComparison = "GH0112" "reference-comparison" Warning
        "`==` compares references because one side is `object`"
        "When one operand of `==` is `object`, C# compares references, not text: \
`context.Variables[\"x\"] == \"yes\"` is usually false even when the variable holds \"yes\" \
(C# warns with CS0252). Whether it is true depends on string interning.\n\nFix: cast first: \
`(string)context.Variables[\"x\"] == \"yes\"`.";

    InvalidAssignment = "GH0113" "invalid-assignment" Error
        "left side cannot be assigned to"
        "Only local variables, settable properties and indexers can be assigned. The `context` object is \
read-only in expressions: change the request with policies such as `set-header` and `set-variable`.\n\n\
Fix: assign to a local variable, or use the policy that makes the change.";

    NotImplemented = "GH0114" "not-implemented" Warning
        "gatehouse does not implement this part of c# or .net yet"
        "APIM accepts this construct or member, but Gatehouse cannot evaluate it yet, so a policy using \
it will not run in the Gatehouse gateway.\n\nFix: if you can, use an equivalent Gatehouse supports; \
otherwise report it so it can be added.";

    InvalidStatement = "GH0115" "invalid-statement" Error
        "statement is not valid here"
        "C# allows only assignments, calls, increments and object creation as expression statements; \
`break` and `continue` only inside loops (and `break` in `switch`); each local name once in a scope.\n\n\
Fix: as the message says.";

    ConstantOverflow = "GH0116" "constant-overflow" Error
        "constant expression overflows or divides by zero"
        "C# evaluates expressions of constants when it compiles them, in checked mode: `int.MaxValue + 1`, \
`(byte)300` and `1 / 0` are compile errors, and APIM rejects the policy.\n\nFix: use a wider type \
(`int.MaxValue + 1L`), or write `unchecked(…)` if wrapping around is intended.";

    ValueNeverNull = "GH0117" "value-never-null" Warning
        "value that is never null tested for null"
        "A `bool`, `int`, `DateTime` or other value type is never null, so `x == null` is always false \
and `x != null` always true (C# warns with CS0472). It usually hides a mistake: \
`context.Variables.ContainsKey(\"k\") != null` passes whether the variable exists or not.\n\nText \
joined with `+` and an interpolated string are never null either (a null part becomes \"\"), and `+` \
is applied before `??`: in `\"prod:\" + context.Product?.Id ?? \"none\"` the fallback is never used, and \
the key reads `prod:` when there is no product. C# compiles it without a warning.\n\nFix: test \
the value itself (`context.Variables.ContainsKey(\"k\")`), or compare something that can be null \
(`context.Variables.GetValueOrDefault<string>(\"k\") != null`); put the part that can be null and its \
fallback in parentheses (`\"prod:\" + (context.Product?.Id ?? \"none\")`).";

    RendersTypeName = "GH0118" "renders-type-name" Warning
        "collection written as text prints its type name"
        "A header value, a URL, a cache or counter key and a trace message are text: the expression's \
value is converted with `ToString()`. Arrays, lists, sequences and dictionaries have no text of their \
own, so `@(context.Request.Headers[\"Accept\"])` sends `System.String[]`, and a LINQ query sends \
something like `System.Linq.Enumerable+WhereSelectArrayIterator`.\n\nFix: join the items \
(`string.Join(\",\", …)`), or pick one (`[0]`, `.FirstOrDefault()`, \
`.GetValueOrDefault(\"Accept\", \"\")`).";

    ContainsWholeValue = "GH0119" "contains-whole-value" Warning
        "`Contains` on a header's values compares whole values"
        "`context.Request.Headers[\"User-Agent\"]` (and `Response.Headers[…]`, `Url.Query[…]`) gives \
the values as a `string[]`, so `.Contains(\"iPad\")` is LINQ's: true only when one value is exactly \
`iPad`. A browser sends `Mozilla/5.0 (iPad; …)`, and the test is false. The choose policy's page had \
this example until it was corrected.\n\nFix: test the text, \
`context.Request.Headers.GetValueOrDefault(\"User-Agent\", \"\").Contains(\"iPad\")`; keep \
`Contains` on the array only when whole values are meant.";

    ExpressionException = "GH0120" "expression-exception" Error
        "expression threw a .net exception"
        "Evaluating the expression raised an exception, as it would on the gateway: a null reference, an \
invalid cast (`(int)context.Variables[\"x\"]` when the variable holds a string), a missing key, text \
that does not parse. In a policy this sends the request to `on-error` with `context.LastError` set. \
The checker reports two cases before anything runs, each judged by .NET's own parsing rules and \
checked against Mono, and each throwing on every request: a constant pattern that .NET's `Regex` \
refuses (`Regex.IsMatch(path, \"^/api/(v1|v2\")`, an unknown escape, Python's `(?P<name>…)`), and a \
constant `string.Format` format with a brace that is no item (a JSON body whose braces are not \
doubled) or an item with no argument (`string.Format(\"{0}-{1}\", a)`).\n\n\
Fix: guard the expression (`?.`, `??`, `TryParse`, `ContainsKey`), fix the input, or fix the \
pattern or format.";

    StepLimit = "GH0121" "step-limit" Error
        "expression ran out of its step budget"
        "Every evaluation has a budget of steps (statements, loop iterations, calls, and allocation), so \
that no expression can stall the gateway. An endless loop or a very large string or collection uses it \
up.\n\nFix: bound the loop, or raise the limit in the gateway configuration if the work is legitimate.";

    CallDepth = "GH0122" "call-depth-limit" Error
        "expression nested calls too deeply"
        "Lambdas and local functions may call each other, but not more deeply than the configured limit \
(64 by default): unbounded recursion would exhaust the gateway's stack.\n\nFix: make the recursion \
terminate sooner, or use a loop.";

    // The policy model: structure checked against the catalog of policies.
    UnknownPolicy = "GH0200" "unknown-policy" Error
        "element is not an apim policy"
        "Inside a section (and inside policies that hold policies, such as `choose/when` or `retry`) every \
element must be a policy APIM knows. A typo makes APIM refuse the whole document when it is saved.\n\n\
Fix: correct the name, for example `<set-heder>` → `<set-header>`. `gatehouse rules` and the catalog in \
`crates/model` list every policy.";

    WrongSection = "GH0201" "wrong-section" Error
        "policy cannot be used in this section"
        "Each policy runs only in some sections: `forward-request` only in `backend`, `rate-limit` only in \
`inbound`, `jsonp` only in `outbound`. APIM refuses a policy placed elsewhere.\n\nFix: move the policy \
to a section it supports, for example `<rate-limit>` from `<outbound>` to `<inbound>`.";

    WrongScope = "GH0202" "wrong-scope" Error
        "policy cannot be used at this scope"
        "Some policies are limited to some scopes: `quota` only at product scope, `cross-domain` only at \
global scope. The scope is given with `--scope`, inferred from an APIOps folder layout, or API scope for \
a lone file.\n\nFix: move the policy to a document of a scope it supports.";

    MissingAttribute = "GH0203" "missing-attribute" Error
        "required attribute is missing"
        "The policy cannot run without this attribute; APIM refuses the document. Some attributes are \
required only in some cases: `token-quota-period` with `token-quota`, and a metric `dimension`'s \
`value` unless its name is a default dimension (`API ID`, `Subscription ID`, …), whose value APIM \
fills in.\n\nFix: add the attribute, for example `<set-variable name=\"user\" \
value=\"@(context.User.Id)\" />`.";

    UnknownAttribute = "GH0204" "unknown-attribute" Error
        "attribute is not known for this element"
        "APIM refuses attributes a policy does not define; a typo in an optional attribute would otherwise \
silently fall back to its default. Every policy also accepts `id`.\n\nFix: correct the name \
(`exist-action` → `exists-action`) or remove the attribute.";

    InvalidEnumValue = "GH0205" "invalid-enum-value" Error
        "attribute value is not one of the allowed values"
        "The attribute takes one of a fixed list of values. Case is not compared (`Override` passes): the \
docs write every value in lower case, and no evidence says APIM refuses another case.\n\nFix: use one \
of the values the message lists, for example `exists-action=\"override\"`.";

    InvalidBoolean = "GH0206" "invalid-boolean" Error
        "attribute value is not a boolean"
        "The attribute takes `true` or `false` (or an expression where the policy allows one).\n\nFix: \
`ignore-error=\"true\"`.";

    InvalidInteger = "GH0207" "invalid-integer" Error
        "attribute value is not a whole number"
        "The attribute takes a whole number, without units or decimals.\n\nFix: `timeout=\"20\"`, not \
`timeout=\"20s\"`.";

    InvalidNumber = "GH0208" "invalid-number" Error
        "attribute value is not a number, date or duration of the expected form"
        "The attribute takes a number (`0.5`), a number of seconds, or a date such as \
`2024-01-01T00:00:00Z`.\n\nFix: write the value in that form.";

    ExpressionNotAllowed = "GH0209" "expression-not-allowed" Error
        "policy expressions are not allowed here"
        "Some attributes are read once when the policy is loaded and do not accept `@(…)` or `@{…}`: \
`rate-limit calls`, `include-fragment fragment-id`, variable names. APIM refuses the document.\n\nFix: \
write a constant, or move the dynamic part to a policy that accepts expressions (for example \
`rate-limit-by-key` takes an expression in `counter-key`).";

    ChildOrder = "GH0210" "child-order" Error
        "child element is out of the documented order"
        "APIM validates the children of some policies in the order of the policy statement: for example \
`validate-jwt` wants `openid-config`, `issuer-signing-keys`, `decryption-keys`, `audiences`, `issuers`, \
`required-claims`, and `choose` wants every `when` before `otherwise`. The ordered ones are those whose \
schema in Microsoft's APIM extension for VS Code is a sequence: validate-jwt, send-request, \
send-one-way-request, return-response, http-data-source (and choose); validate-azure-ad-token and cors \
take their children in any order.\n\nFix: reorder the children as the message says.";

    DuplicatePolicy = "GH0211" "duplicate-policy" Error
        "policy may appear only once here"
        "Some policies may be used once per section or per document (`forward-request`, `cors`, `jsonp`, \
`rate-limit`, `quota`): a second one is refused or never runs.\n\nFix: merge the two into one.";

    UnreachablePolicy = "GH0212" "unreachable-policy" Warning
        "policy after return-response can never run"
        "`return-response` and `mock-response` end the pipeline at once: later policies in the same block \
never run. A `<base />` after them is worse than dead code: the broader scopes' policies of that section \
(a product's `rate-limit`, a global `validate-jwt`) are skipped for these requests. When one ends \
`inbound` or `backend` for every request (not inside a `choose` branch), the policies of the sections \
after it never run either: the pipeline is cancelled, outbound included.\n\nFix: move \
the policy or `<base />` before `return-response`, put `return-response` in the `choose` branch of the \
requests it is meant to end, or remove what can never run.";

    NoForwardRequest = "GH0213" "no-forward-request" Warning
        "backend section never forwards the request"
        "A `backend` section without `forward-request` and without `<base />` never calls the backend: \
the outbound section runs straight after inbound with an empty response. An `inbound` that answers \
on every path (`return-response` or `mock-response`, in each branch of a `choose` with `otherwise`) \
never reaches `backend`, which is then not judged.\n\nFix: add `<base />` to inherit the broader \
scope's `forward-request`, or add `<forward-request />`.";

    MissingBase = "GH0214" "missing-base" Warning
        "section does not include the broader scope's policies"
        "Below global scope, a section without `<base />` inherits nothing: policies set at global, \
product or API scope (authentication, throttling, CORS) silently stop applying.\n\nFix: add `<base />`, \
usually as the first element of the section. Suppress with \
`<!-- gatehouse-disable-next-line GH0214 -->` when cutting inheritance is intended.";

    HardcodedSecret = "GH0215" "hardcoded-secret" Warning
        "secret written in the policy text"
        "Passwords, keys and client secrets written into a policy are visible to everyone who can read \
the policy, its exports and its history. Checked: the `password` of `authentication-basic` and \
`authentication-certificate`; literal values of `Authorization`, `*key*` and `*secret*` headers in \
`set-header` and `check-header`; `client_secret=` in a body; credentials in a URL's query \
(`code`, an Azure Functions key; `sig`, a SAS signature; `key`, `*-key`, `*_key`, `password`, \
`secret`, `access_token`, `client_secret`) in `set-backend-service base-url` and `send-request \
set-url`, and as the literal value of `set-query-parameter`.\n\nFix: move the value to a secret named value and write \
`{{name}}`, or let the gateway authenticate with `authentication-managed-identity`.";

    VariableNeverSet = "GH0216" "variable-never-set" Warning
        "variable is read but no policy sets it"
        "An expression reads `context.Variables[\"name\"]`, or `return-response` names it in \
`response-variable-name`, but no policy in the document sets `name` (`set-variable`, or an attribute \
such as `send-request`'s `response-variable-name`). Reading it throws `KeyNotFoundException` at run time; \
`GetValueOrDefault` silently returns the default. Usually a typo. Fragments count: with `--fragments` \
their policies are checked like the document's own; without, a read after an `include-fragment` is not \
judged, since the fragment may set anything. So do narrower scopes: an operation's `inbound` runs \
before the global `outbound` it inherits, so in an APIOps export a broader policy's read counts as set \
when a policy below it sets the name; given only `--scope global`, `workspace` or `product`, reads are \
not judged.\n\nFix: correct the name, or set the variable first.";

    OutputVariableUnused = "GH0217" "output-variable-unused" Warning
        "output variable is never read"
        "`output-token-variable-name` stores the token for later policies, but no expression reads the \
variable. A later `include-fragment` may read it, so the rule is silent when one follows; and it \
judges only API and operation policies, since a fragment's outputs are read by the documents that \
include it and a product's or the global policy's by the APIs below.\n\nFix: read it (`context.Variables[\"token\"]`) or remove the attribute.";

    UnknownChild = "GH0218" "unknown-child" Error
        "element is not a known child of this policy"
        "A policy's configuration elements are fixed: APIM refuses any other element inside it.\n\nFix: \
correct the name, or move the element where it belongs.";

    MissingChild = "GH0219" "missing-child" Error
        "required child element is missing"
        "The policy needs this configuration element, for example `choose` needs a `when`, `cors` needs \
`allowed-origins`.\n\nFix: add the element.";

    DuplicateChild = "GH0220" "duplicate-child" Error
        "child element may appear only once"
        "This configuration element may be given once; a second one is refused.\n\nFix: merge the two.";

    UnknownSection = "GH0221" "unknown-section" Error
        "element is not a policy section"
        "A `<policies>` document holds only the sections `inbound`, `backend`, `outbound` and `on-error`.\n\n\
Fix: put the policies inside one of the sections.";

    DuplicateSection = "GH0222" "duplicate-section" Error
        "section appears more than once"
        "Each section may be given once.\n\nFix: merge the two sections.";

    SectionOrder = "GH0223" "section-order" Warning
        "sections are not in pipeline order"
        "The pipeline runs `inbound`, `backend`, `outbound`, then `on-error` on failure. Writing sections in \
another order does not change that, but misleads readers; the portal always writes them in order.\n\n\
Fix: reorder the sections.";

    BaseAtGlobal = "GH0224" "base-at-global" Warning
        "base has no effect at global scope"
        "Global scope has no broader scope, so `<base />` there stands for nothing.\n\nFix: remove it.";

    BaseInFragment = "GH0225" "base-in-fragment" Error
        "base is not allowed in a fragment"
        "A fragment is pasted into a section wherever it is included; `<base />` inside it is refused.\n\n\
Fix: put `<base />` in the including section instead.";

    DuplicateBase = "GH0226" "duplicate-base" Error
        "base appears more than once in a section"
        "`<base />` may be used once per section; a second one would run the broader scope's policies \
twice.\n\nFix: keep one.";

    FragmentNotFound = "GH0227" "fragment-not-found" Error
        "included fragment does not exist"
        "`include-fragment` names a fragment that is not in the fragment set (`--fragments`, or the \
`policy fragments` folder of an APIOps export).\n\nFix: correct `fragment-id`, or add the fragment.";

    NestedFragment = "GH0228" "nested-fragment" Error
        "fragment includes a fragment"
        "APIM does not support fragments that include other fragments, which also rules out cycles.\n\n\
Fix: include both fragments from the policy instead.";

    UndefinedNamedValue = "GH0229" "undefined-named-value" Error
        "named value is not defined"
        "The policy refers to `{{name}}` but the named-value set (`--named-values`, or the `named values` \
folder of an APIOps export) has no such name; APIM refuses the document. Inside \
`<set-body template=\"liquid\">` `{{…}}` is Liquid's output tag (`{{body.order.id}}`), not a named \
value, and is not reported.\n\nFix: correct the name, or define the named value.";

    MisplacedBase = "GH0230" "misplaced-base" Error
        "base must be a direct child of a section"
        "`<base />` stands for the broader scope's section and can only appear directly in a section, not \
inside `choose` or another policy.\n\nFix: move it to the section.";

    MissingText = "GH0231" "missing-text" Error
        "policy needs text content"
        "This policy takes its value from its text: `set-method` the method, `set-body` the body, \
`log-to-eventhub` the message.\n\nFix: write the value between the tags.";

    ConflictingAttributes = "GH0234" "conflicting-attributes" Error
        "attributes or elements cannot be used together"
        "Some attributes exclude each other: `validate-jwt` takes one token source (`header-name`, \
`query-parameter-name` or `token-value`), `log-to-eventhub` one of `partition-id` and \
`partition-key`, `authentication-certificate` one of `thumbprint` and `certificate-id`. Some \
elements do too: a `cosmosdb-data-source` makes one request, a `query-request`, `read-request`, \
`delete-request` or `write-request`.\n\nFix: keep one of them.";

    MissingOneOf = "GH0235" "missing-one-of" Error
        "one of several attributes or elements is required"
        "The policy needs at least one of a group of attributes: `quota` needs `calls` or `bandwidth`, \
`send-service-bus-message` needs `queue-name` or `topic-name`, `set-backend-service` needs \
`base-url` or `backend-id`. A `cosmosdb-data-source` needs one of the elements `query-request`, \
`read-request`, `delete-request` and `write-request`.\n\nFix: add one of them.";

    DeprecatedPolicy = "GH0236" "deprecated-policy" Warning
        "policy is deprecated"
        "The policy was retired in favour of another mechanism and may stop working.\n\nFix: use the \
replacement the message names.";

    UnverifiedPolicy = "GH0237" "unverified-policy" Warning
        "policy is not in the official documentation"
        "The policy is known only from the policy toolkit and has no documentation page; APIM may refuse it \
or change it.\n\nFix: check that your gateway supports it, then suppress this warning.";

    ValueOutOfRange = "GH0238" "value-out-of-range" Error
        "attribute value is outside the documented range"
        "Some numbers have documented bounds: `retry count` 1–50, `rate-limit renewal-period` at most 300 \
seconds, status codes 100–599.\n\nFix: use a value in the range.";

    NotAllowedInWait = "GH0239" "not-allowed-in-wait" Error
        "policy cannot be a direct child of wait"
        "`wait` runs its children in parallel and allows only `send-request`, `cache-lookup-value` and \
`choose` directly inside it.\n\nFix: move the policy out of `wait`, or wrap it in `choose`.";

    EmptyValue = "GH0241" "empty-value" Error
        "required value is empty"
        "The attribute is present but empty, which APIM treats like a missing value.\n\nFix: give it a \
value.";

    ProtectedHeader = "GH0243" "protected-header" Warning
        "header cannot be changed by a policy"
        "The gateway manages `Content-Length`, `Connection`, `Keep-Alive` and `Transfer-Encoding` itself, \
and `Server` cannot be removed: APIM ignores the policy.\n\nFix: remove the policy.";

    RetryWithoutBuffer = "GH0244" "retry-without-buffer" Warning
        "forward-request in retry does not buffer the request body"
        "A request body is a stream read once: retrying `forward-request` without \
`buffer-request-body=\"true\"` resends an empty body.\n\nFix: `<forward-request \
buffer-request-body=\"true\" />`.";

    CorsNotFirst = "GH0245" "cors-not-first" Warning
        "cors is not the first policy of inbound"
        "Policies before `cors` run on preflight requests too and can reject them (for example \
authentication), and the docs warn that behaviour is unexpected when `cors` is not first.\n\nFix: move \
`cors` to the top of `inbound`, right after `<base />`.";

    MissingRequestUrl = "GH0246" "missing-request-url" Error
        "send-request in new mode needs set-url and set-method"
        "With `mode=\"new\"` (the default) the request starts empty: send-request-policy.md marks \
`set-url` and `set-method` \"No if mode=copy; otherwise yes\".\n\nFix: add \
`<set-url>https://…</set-url>` and `<set-method>GET</set-method>`, or use `mode=\"copy\"`.";

    InvalidHttpMethod = "GH0249" "invalid-http-method" Error
        "text is not an http method"
        "`set-method` and `method` take an HTTP method token such as `GET` or `POST`.\n\nFix: write the \
method in capitals, without spaces.";

    InvalidStatusCode = "GH0250" "invalid-status-code" Error
        "status code is not between 100 and 599"
        "HTTP status codes are three-digit numbers from 100 to 599.\n\nFix: use a valid status code.";

    InvalidUrl = "GH0251" "invalid-url" Error
        "url is not an absolute http or https url"
        "Backend and request URLs must be absolute: scheme, host, optional port and path. .NET's `Uri`, \
which APIM parses them with, ends the host at the first `/`, `?` or `#`, so `https://#{host}#/api` (a \
replace-tokens placeholder left in) has no host. It also refuses a host with characters no host \
name has (`https://{your-app}.azurewebsites.net`: \"The hostname could not be parsed\") and a port \
that is not a number up to 65535, so the request is never sent. A deployment template's \
placeholders (`${…}`, `#{…}#`) are reported as written: lint the policy as the pipeline renders \
it.\n\nFix: `https://backend.example.com/api`.";

    LegacyTrace = "GH0252" "legacy-trace" Warning
        "trace text written without a message element"
        "`<trace source=\"…\">text</trace>` is the form of the earlier trace page. APIM still \
accepts it, but the current form puts the text in `<message>`, which also allows `severity` and \
`<metadata>` for Application Insights.\n\nFix: `<trace source=\"orders\"><message>text</message></trace>`.";

    UnverifiedAttribute = "GH0253" "unverified-attribute" Warning
        "attribute is not in the official documentation"
        "The policy's documentation page does not list the attribute, but a Microsoft source knows it: \
the policy toolkit writes it (`cache-id` on the semantic-cache lookups, `increment-count` on \
`quota-by-key`), or the policy schemas of Microsoft's APIM extension for VS Code list it \
(`timeout-ms` on `send-request`, `default-dimensions` on `emit-metric`). It may be newer than the \
documentation, or the source may be wrong.\n\nFix: check that your APIM instance accepts it, then \
suppress this warning or turn it off in `gatehouse.toml`.";

    VariableTypeMismatch = "GH0255" "variable-type-mismatch" Warning
        "variable is read as a type it is never set to"
        "`(T)context.Variables[\"name\"]` and `context.Variables.GetValueOrDefault<T>(\"name\", …)` \
throw `InvalidCastException` when the variable holds another type, and a boxed number only unboxes \
to its own type (`(long)` of an `int` throws). `set-variable` with a literal value always stores a \
`string` (set-variable-policy.md: \"the type of the value will be System.String\"), so \
`value=\"true\"` read as `(bool)` fails on every request.\n\nFix: set the variable with an \
expression of the type it is read as (`value=\"@(true)\"`), or read it as what it holds \
(`bool.Parse((string)context.Variables[\"flag\"])`).";

    InvalidCorsOrigin = "GH0256" "invalid-cors-origin" Error
        "cors origin is neither `*` nor a scheme and host"
        "cors-policy.md: `allowed-origins` holds \"either a single `origin` element that specifies `*` \
to allow any origin, or one or more `origin` elements that contain a URI\", and \"the URI must \
include a scheme, host, and port. Do not include quotation marks.\" A browser sends `Origin: \
https://app.example.com`, so `app.example.com` or `\"https://app.example.com\"` never matches, and \
`*` beside other origins makes them pointless.\n\nFix: write each origin as \
`https://app.example.com` (a port when it is not the scheme's default), or one `*` alone.";

    CorsCredentialsAnyOrigin = "GH0257" "cors-credentials-any-origin" Warning
        "cors allows credentials from every origin"
        "With `allow-credentials=\"true\"` the browser sends cookies and authorization headers on \
cross-origin calls. Allowed for the origin `*`, that is either refused by browsers (the Fetch \
standard forbids credentials with a wildcard origin) or, if the origin is echoed, lets every web \
site call the API as the signed-in user.\n\nFix: list the origins that may send credentials, or \
set `allow-credentials=\"false\"`.";

    InvalidIpAddress = "GH0258" "invalid-ip-address" Error
        "ip-filter address is not a single ip address"
        "ip-filter-policy.md: `address` specifies \"a single IP address\", and `address-range` a range \
`from` one address `to` another. A CIDR block (`10.0.0.0/24`) or a malformed address \
(`10.0.0.300`) is not one.\n\nFix: write a CIDR block as a range (`<address-range \
from=\"10.0.0.0\" to=\"10.0.0.255\" />`; the help line computes it), and correct malformed \
addresses.";

    EmptyIpRange = "GH0259" "empty-ip-range" Warning
        "ip-filter range contains no address"
        "An `address-range` whose `from` comes after its `to`, or that mixes an IPv4 and an IPv6 \
address, contains no address: with `action=\"allow\"` it admits nobody, with \
`action=\"forbid\"` it blocks nobody.\n\nFix: swap `from` and `to`, or use two ranges, one \
per address family.";

    JwtWithoutKeys = "GH0260" "jwt-without-keys" Warning
        "validate-jwt has no key to validate a token with"
        "`validate-jwt` checks a token's signature with the keys of its `openid-config` endpoints or \
its `issuer-signing-keys` (an encrypted token: its `decryption-keys`), and by default accepts only \
signed tokens (`require-signed-tokens` is `true`). With none of them, no token passes: every \
request gets the failure status.\n\nFix: add `<openid-config url=\"…/.well-known/openid-configuration\" />` \
(Microsoft Entra ID: your tenant's metadata URL) or `<issuer-signing-keys>`.";

    JwtAnyAudience = "GH0261" "jwt-any-audience" Warning
        "validate-jwt trusts an identity provider but checks no audience"
        "An identity provider's keys (`openid-config`) sign the tokens it issues for every \
application it serves: with Microsoft Entra ID, every app registration in the tenant, and with a \
public provider, every customer. Without `<audiences>` (or a required `aud` claim) a token issued \
to any of them passes, so a user of another application, or that application itself, can call \
this API with its own token. Microsoft's identity platform says an API \"must always verify\" \
that `aud` matches it (learn.microsoft.com/entra/identity-platform/claims-validation).\n\n\
Fix: add the values your API's tokens carry in `aud`, for Entra ID its application ID URI or \
client ID: `<audiences><audience>api://orders</audience></audiences>`.";

    AuthorizationReplaced = "GH0262" "authorization-read-after-replace" Warning
        "the caller's authorization header is read after a policy replaced it"
        "`authentication-managed-identity` (without `output-token-variable-name`) and \
`authentication-basic` set the request's `Authorization` header to the gateway's own credentials. \
Every policy after that which reads the header, an expression \
on `context.Request.Headers`, a `validate-jwt header-name=\"Authorization\"` or a `check-header \
name=\"Authorization\"`, sees the gateway's credentials, not the caller's: a rate limit keyed on the \
caller's `oid` puts every caller in one bucket, a claim check checks the managed identity, a check \
that the caller sent a token always passes. Nothing fails, so the mistake stays silent. In an APIOps \
export the rule follows what `<base />` and `include-fragment` run.\n\n\
Fix: read the caller's token before the policy that replaces it (store what you need with \
`set-variable`, or use `validate-jwt`'s `output-token-variable-name`), or give \
`authentication-managed-identity` an `output-token-variable-name` and set the header last.";

    BodyAlreadyConsumed = "GH0263" "body-already-consumed" Warning
        "message body read again after a read consumed it"
        "`context.Request.Body.As<T>()` and `context.Response.Body.As<T>()` consume the body stream \
unless they are given `preserveContent: true` (APIM's expression reference: the method \"consumes \
the original message body stream and renders it unavailable after it returns\"). A later read of \
the same body, in a `when` after the `choose` condition that read it, in the next policy, or \
further on in the same expression, does not get it: set-body-policy.md says accessing it later \
\"will result in an exception\". A `set-body` in between gives the message a new body and ends \
the problem.\n\nFix: pass `preserveContent: true` to the earlier read \
(`context.Request.Body.As<JObject>(preserveContent: true)`), or read the body once into a \
variable with `set-variable` and use that.";

    BodyLost = "GH0264" "body-lost" Warning
        "message body read without being preserved reaches the backend or the client empty"
        "APIM's `set-body` reference: \"by default when you access the message body using \
`context.Request.Body` or `context.Response.Body`, the original message body is lost and must be \
set by returning the body back in the expression\". A request body read in `inbound` without \
`preserveContent: true` is gone when `forward-request` sends the request, so the backend gets an \
empty body; a response body read in `outbound` is gone when the gateway answers. Paths that give \
the message a new body (`set-body`) or end with `return-response` first are fine; the rule follows \
`choose` branches to tell.\n\nFix: pass `preserveContent: true` \
(`context.Request.Body.As<JObject>(preserveContent: true)`), or put the body back with `set-body`.";

    TooManyChildren = "GH0265" "too-many-children" Error
        "policy has more of a child element than it allows"
        "Some policies cap how many times a child element may appear: `emit-metric` and \
`azure-openai-emit-token-metric` take \"at most 10 custom dimensions\" (their policy pages; \
Microsoft's policy schemas for VS Code say `maxOccurs=\"10\"` too), `llm-emit-token-metric` \"at most \
5\" (its page since 2026-05; 10 before). Azure Monitor custom metrics have a dimension limit of their \
own, and a metric past it is not ingested.\n\nFix: keep the dimensions that matter, or emit a second \
metric with the rest.";

    NamedValueInCdata = "GH0266" "named-value-in-cdata" Warning
        "named value inside a CDATA section is not substituted"
        "APIM substitutes `{{name}}` in attribute values and element text, but not inside a \
`<![CDATA[ … ]]>` section, expressions there included: the text keeps `{{name}}` as written, and \
the policy saves without an error (reported from a deployment: `<set-body><![CDATA[@{ return \
\"{{models}}\"; }]]></set-body>` returns the literal `{{models}}`). Expressions in CDATA do run.\n\n\
Fix: read the named value outside the CDATA section, `<set-variable name=\"models\" \
value=\"{{models}}\" />`, and use `context.Variables[\"models\"]` inside.";

    TextNeverRuns = "GH0267" "text-never-runs" Error
        "text where only elements belong never runs"
        "A section, `choose` and its branches, and policies without text content hold elements only: \
Microsoft's policy schemas give them no text, and APIM validates a policy against its schema when it \
is saved: `<set-header name=\"x\">text</set-header>` is refused with \"The element 'set-header' \
cannot contain text. List of possible elements expected: 'value'.\" \
(microsoft/vscode-apimanagement#145). Text written there, a policy expression included \
(`@{ context.Request.Headers… }` pasted between policies), is not a policy and never runs.\n\nFix: \
put a header's or parameter's value in `<value>…</value>`, an expression where a policy takes one \
(`<set-variable value=\"@(…)\">`, `<set-body>@{…}</set-body>`), turn a note into a comment \
`<!-- … -->`, or delete the text.";

    OpenidConfigUrl = "GH0269" "openid-config-url" Warning
        "`openid-config` does not point at the provider's openid metadata"
        "`validate-jwt` fetches the signing keys from the OpenID Connect discovery document that \
`openid-config url` names, which identity providers serve at \
`<issuer>/.well-known/openid-configuration` (OpenID Connect Discovery 1.0, section 4). A \
misspelt name there (`openid_configuration`), an Entra ID issuer or key-set URL given instead \
of the document, or a guide's placeholder left in the URL (`{tenant-id}`, `YOUR_TENANT_ID`), \
fetches no keys, and every token is refused. APIM fetches the document when the policy is saved \
too, and may refuse the policy then (\"Error in element 'validate-jwt' … Unable to obtain \
configuration from …\", Azure/apiops#857).\n\nFix: point `url` at the document, with the tenant written in: \
`https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration`, \
or `{{tenant-id}}` from a named value.";

    EmptyPolicyBlock = "GH0270" "empty-policy-block" Warning
        "a policy that runs the policies inside it holds none"
        "`retry` runs the policies inside it and runs them again while its condition holds; \
`limit-concurrency` runs them a few requests at a time; `wait` runs them in parallel. With nothing \
inside, each does nothing, which is seldom what was meant: most often the policy was closed with \
`/>` before the policies it was to hold (a `retry` written beside the `forward-request` it was \
to retry).\n\nFix: put the policies inside it, `<retry …><forward-request \
buffer-request-body=\"true\" /></retry>`, or remove it.";

    EntraIdValue = "GH0271" "entra-id-value" Warning
        "a tenant or application id is neither a guid nor a domain"
        "`validate-azure-ad-token` checks tokens against the Entra ID tenant in `tenant-id`, which \
is the directory (tenant) ID, a GUID, or one of its domains (`contoso.onmicrosoft.com`), and \
against the client applications in `<application-id>`, each an application (client) ID, a GUID. \
`authentication-managed-identity client-id` names a user-assigned identity by its client ID, also \
a GUID. Anything else finds no tenant or matches no token: most often it is a guide's placeholder \
left in (`%tenant-id%`, `your-client-application-id`, `{tenant ID}`), and every request is \
refused.\n\nFix: write the real ID, `tenant-id=\"contoso.onmicrosoft.com\"`, \
`<application-id>11111111-2222-3333-4444-555555555555</application-id>`, or take it from a \
named value: `tenant-id=\"{{tenant-id}}\"`.";

    TokenValuePlaceholder = "GH0272" "token-value-placeholder" Warning
        "a value tokens are checked against is a placeholder"
        "`validate-jwt` and `validate-azure-ad-token` accept a token only if its `aud` is one of \
`<audiences>`, its `iss` one of `<issuers>`, and each required claim has one of the claim's \
`<value>`s. A guide's placeholder left in one of them (`<audience>{audience}</audience>`, \
`<issuer>https://login.microsoftonline.com/{tenant}/v2.0</issuer>`, `%client-id%`, \
`your-api-audience`) is compared as written: no token carries it, and when it is the only value \
every token is refused. APIM saves the policy without a word.\n\nFix: write the real value (for \
Entra ID, the API's application ID URI or client ID as the audience, \
`https://login.microsoftonline.com/<tenant-id>/v2.0` as the issuer), or take it from a named \
value: `<audience>{{api-audience}}</audience>`.";

    CacheKeyWildcard = "GH0273" "cache-key-wildcard" Warning
        "`*` in a cache key is not a pattern"
        "APIM's cache stores and finds values by their exact key: `cache-remove-value` removes \
the one entry whose key is the text given, `*` included. Written as a pattern \
(`key=\"@(\"users-list-*\")\"`) to drop every key that starts with `users-list-`, it removes \
nothing, and the stale entries are served until their `duration` runs out.\n\nFix: remove each \
key by its exact name, or version the keys (`users-list-{{cache-version}}-…`, or a version kept \
in the cache itself) so that changing the version makes the old entries unreachable.";

    LooseSemanticCacheThreshold = "GH0274" "loose-semantic-cache-threshold" Warning
        "a semantic cache's score threshold lets unrelated prompts match"
        "The `score-threshold` of `llm-semantic-cache-lookup` and `azure-openai-semantic-cache-lookup` \
is a distance, not a similarity: a cached response is returned for a prompt whose distance from \
the cached prompt is below it, so lower is stricter (\"lower values require higher semantic \
similarity for a match\"). The documentation advises starting near 0.05 and warns that \"score \
threshold above 0.2 may lead to cache mismatch\". Written as a similarity (0.8, 0.9, 0.95), the \
threshold returns one caller's cached answer for almost any other prompt, and, without a \
`vary-by`, to other callers.\n\nFix: start from 0.05 and raise it while the answers stay right; \
partition the cache with `<vary-by>` per user or group.";

    EntityNamePlaceholder = "GH0275" "entity-name-placeholder" Warning
        "a placeholder where a backend's, logger's or certificate's name belongs"
        "`backend-id`, `embeddings-backend-id`, `logger-id`, `certificate-id`, `schema-id` and the \
like name an entity configured in the APIM instance. A guide's placeholder left in one \
(`backend-id=\"{backend-id}\"`, `logger-id=\"{loggerId}\"`, `backend-id=\"your-backend\"`) names \
nothing the instance has: APIM refuses to save the policy, or the request fails where the policy \
runs.\n\nFix: write the entity's name as the instance knows it, or take it from a named value \
(`{{backend-name}}`); a template's `${…}` is filled in by the deployment, so lint the policy as \
it renders.";

    RetrySendsNothing = "GH0276" "retry-sends-nothing" Warning
        "retry waits on a response that nothing inside it renews"
        "`retry` runs the policies inside it again while its condition holds. A condition on \
`context.Response` (`@(context.Response.StatusCode == 429)`) changes only when a policy inside \
forwards the request again, or, in `outbound` and `on-error`, changes the response in place (a \
`retry` used as a loop that deletes headers): a `retry` that holds only `set-backend-service` (a \
guide's \"retry on another backend\" after `<base />` forwarded), or only request headers, sets \
them `count` times and returns the same failed response, after waiting `interval` seconds \
between the tries. `send-request` puts its response in its `response-variable-name`, never in \
`context.Response`: test that variable instead.\n\nFix: put \
`<forward-request buffer-request-body=\"true\" />` inside the `retry`, after the policies that \
change the request, and take the forward out of `<base />` or the section.";

    UnpairedCache = "GH0277" "unpaired-cache" Warning
        "cache lookup without a cache store, or a store without a lookup"
        "The caching policies work in pairs: `cache-lookup` in `inbound` serves what `cache-store` \
in `outbound` stored (\"this policy must have a corresponding Store to cache policy\", and the \
other way round), and `llm-semantic-cache-lookup` what `llm-semantic-cache-store` stored (or \
their `azure-openai-` forms). A lookup alone never finds anything, and every request pays for \
it; a store alone fills the cache for nobody. Where the other half could come from a broader \
scope (`<base />`) or a fragment that is not known, nothing is reported.\n\nFix: add the other \
half in its section, or remove the one that is alone.";

    LastErrorNeverMatches = "GH0278" "last-error-never-matches" Warning
        "`context.LastError` compared with text apim never puts there"
        "In `on-error`, `context.LastError.Source` \"names the element where the error occurred\": the \
policy's element name (`forward-request`, `validate-jwt`, `rate-limit-by-key` …) or a built-in \
pipeline step (`configuration`, `authorization`); `Reason` is a machine-friendly code \
(`Timeout`, `TokenExpired`, `RateLimitExceeded` …). Both are compared as C# strings, case and \
all. A guide that compares the source with a backend's name (`\"aisearch-backend\"`) or a \
policy's `id`, or writes `\"timeout\"` for `Timeout`, has a branch that never runs, and the \
error falls through to the generic handling.\n\nFix: compare `Source` with the policy's name, \
`PolicyId` with the `id` you gave the policy (`<forward-request id=\"search\" />`), and \
reasons as the page writes them.";

    AttributeWithoutEffect = "GH0279" "attribute-without-effect" Warning
        "attribute has no effect in the section the policy is in"
        "Some attributes act in one section only, and the policy's page says the other ignores them. \
`llm-content-safety` checks requests in `inbound` and responses in `outbound` (its page of 03/2026): \
`enforce-on-completions` asks an inbound check to check the completion too, and \"is ignored\" in \
`outbound`; `window-size` splits the text into windows and is \"configurable only for responses\" \
(the edit of 03/23/2026), so on a request it does nothing. The policy still runs; the attribute \
is ignored.\n\nFix: remove the attribute, or set it on the policy in the \
section it acts in.";

    BackendNotFound = "GH0280" "backend-not-found" Error
        "set-backend-service names a backend the export does not have"
        "APIM checks `backend-id` when a policy is saved and refuses a policy that names no backend \
of the instance: \"Error in element 'set-backend-service' on line 33, column 4: Backend with id \
'idbackEnd' could not be found\" (the APIOps publisher's failures in Azure/apiops#56, #92 and #565, \
and MicrosoftDocs/azure-docs#48421). An APIOps export holds the instance's backends in its \
`backends` folder, and the publisher creates them there; a policy naming a backend outside it fails \
to publish wherever the backend was not made by other means. Checked only when the export has a \
`backends` folder.\n\nFix: correct `backend-id`, or export the backend \
(`backends/<name>/backendInformation.json`).";

    LoggerNotFound = "GH0281" "logger-not-found" Error
        "log-to-eventhub names a logger the export does not have"
        "APIM checks `logger-id` when a policy is saved and refuses a policy that names no logger of \
the instance (\"Logger not found\": Azure/apiops#878, the publisher's failure when it puts a policy \
before the logger it names). An APIOps export holds the instance's loggers in its `loggers` folder, \
and the publisher creates them there; a `log-to-eventhub` naming a logger outside it fails to publish \
wherever the logger was not made by other means. Checked only when the export has a `loggers` \
folder.\n\nFix: correct `logger-id`, or export the logger (`loggers/<name>/loggerInformation.json`).";

    RateLimitInFragment = "GH0282" "rate-limit-in-fragment" Warning
        "rate-limit in a fragment counts every including api together"
        "`rate-limit` counts each subscription's calls in the scope where the policy is defined. In \
a policy fragment that scope is the fragment: every API and operation that includes it shares one \
counter, so a fragment allowing 10 calls a minute, included in three APIs, allows 10 calls a minute \
across all three, not 10 for each (observed and shown by ronaldbosma's \"Rate Limiting in Azure API \
Management\", 2026-01, with the sample `azure-apim-samples/rate-limiting`; the policy's page does \
not say). `rate-limit-by-key` counts per key wherever it runs.\n\nFix: use `rate-limit-by-key` with a \
key that names the scope, `counter-key=\"@($\"{context.Api.Id};{context.Subscription.Id}\")\"`, or \
put `rate-limit` in each API's own policy.";

    SharedCounterKey = "GH0283" "shared-counter-key" Warning
        "two rate-limit-by-key policies count in one counter"
        "\"API Management uses a single counter for each `counter-key` value that you specify in the \
policy. The counter is updated at all scopes at which the policy is configured with that key value\" \
(the rate-limit-by-key page's usage note). Two `rate-limit-by-key` policies that can both run on a \
request with the same `counter-key` therefore count in one counter, and limits meant to be separate \
(300 a minute and 10 a second) act on the same count (whether a request that passes both is counted \
once or twice the page does not say; quota-by-key's page says a key is incremented once per request); \
on the v2 tiers, whose token bucket needs the limits to agree wherever a key is used (the page of \
11/2025), different values behave unpredictably. Policies in different branches of one `choose` never both run and are not \
reported.\n\nFix: give each limit its own key, appending what tells them apart: \
`counter-key=\"@(context.Subscription.Key + \":per-second\")\"`.";

    InvalidHeaderName = "GH0268" "invalid-header-name" Error
        "header name is not an http token"
        "An HTTP header's name is a token (RFC 9110, section 5.1): letters, digits and ``!#$%&'*+-.^_`|~``, no spaces, no `:`. .NET, which APIM runs on, refuses any other name, so a policy that sets such a header fails, and one that reads, checks or varies by it never finds it. Most such names are slips: a closing quote forgotten so the value runs into the next attribute (`name=\"X-Tier exists-action=override\"`), or the value written with the name (`Authorization: Bearer`).\n\nFix: write the name alone, `name=\"X-Tier\"`, and the value where the policy takes it.";
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_and_names_are_unique_and_well_formed() {
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for code in Code::ALL {
            let info = code.info();
            assert!(ids.insert(info.id), "duplicate id {}", info.id);
            assert!(names.insert(info.name), "duplicate name {}", info.name);
            assert!(
                info.id.len() == 6
                    && info.id.starts_with("GH")
                    && info.id.bytes().skip(2).all(|b| b.is_ascii_digit()),
                "bad id {}",
                info.id
            );
            assert!(
                info.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "bad name {}",
                info.name
            );
        }
    }

    #[test]
    fn summaries_follow_the_message_style() {
        for code in Code::ALL {
            let summary = code.info().summary;
            let first = summary.chars().next().unwrap_or('A');
            assert!(!first.is_uppercase(), "{code}: summary starts upper case");
            assert!(
                !summary.ends_with('.'),
                "{code}: summary ends with a period"
            );
            assert!(
                !code.info().explanation.is_empty(),
                "{code}: no explanation"
            );
        }
    }

    #[test]
    fn lookup_by_id_or_name() {
        assert_eq!(Code::lookup("gh0007"), Some(Code::MismatchedEndTag));
        assert_eq!(
            Code::lookup("mismatched-end-tag"),
            Some(Code::MismatchedEndTag)
        );
        assert_eq!(Code::lookup("GH9999"), None);
    }
}
