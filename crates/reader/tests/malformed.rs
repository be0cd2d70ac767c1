//! Malformed input: each case asserts the exact list of diagnostics (code, line, column) and
//! that the read still satisfies every invariant (lossless, in bounds, styled messages).

// Tests fail by panicking; the no-panic rule is for library code.
#![allow(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

use gatehouse_diagnostics::{Diagnostic, LineIndex};
use gatehouse_reader::{ReadOptions, check_invariants, read};

fn found(input: &[u8], options: &ReadOptions) -> Vec<(String, u32, u32)> {
    let output = read(input, options);
    if let Err(violation) = check_invariants(input, options, &output) {
        panic!("invariant violated: {violation}");
    }
    for diagnostic in &output.diagnostics {
        assert_styled(diagnostic);
    }
    let source = output.document.source();
    let index = LineIndex::new(source);
    output
        .diagnostics
        .iter()
        .map(|diagnostic| {
            let at = index.line_col(source, diagnostic.span.start);
            (diagnostic.code.id().to_owned(), at.line, at.column)
        })
        .collect()
}

fn assert_styled(diagnostic: &Diagnostic) {
    assert!(
        diagnostic.help.is_some(),
        "{} has no help line: {}",
        diagnostic.code,
        diagnostic.message
    );
}

macro_rules! cases {
    ($( $name:ident: $input:expr => [$( ($code:literal, $line:literal, $column:literal) ),* $(,)?]; )*) => {
        $(
            #[test]
            fn $name() {
                let owned = $input;
                let input: &[u8] = AsRef::<[u8]>::as_ref(&owned);
                let expected: Vec<(String, u32, u32)> = vec![$( ($code.to_owned(), $line, $column) ),*];
                assert_eq!(found(input, &ReadOptions::default()), expected);
            }
        )*
    };
}

/// `text` as UTF-16 with a byte order mark, as Windows tools write it.
fn utf16(little_endian: bool, text: &str) -> Vec<u8> {
    let mut bytes = if little_endian {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for unit in text.encode_utf16() {
        bytes.extend(if little_endian {
            unit.to_le_bytes()
        } else {
            unit.to_be_bytes()
        });
    }
    bytes
}

const DOC_START: &str = "<policies>\n  <inbound>\n";
const DOC_END: &str = "\n  </inbound>\n</policies>\n";

fn policy(inbound: &str) -> String {
    format!("{DOC_START}{inbound}{DOC_END}")
}

cases! {
    // ----- elements -----
    unclosed_element: "<policies>\n  <inbound>\n    <base />\n" => [
        ("GH0006", 1, 2),
        ("GH0006", 2, 4),
    ];
    mismatched_end_tag: "<policies>\n  <inbound>\n  </policies>\n" => [("GH0007", 3, 3)];
    mismatched_end_tag_skipping_two: "<policies><inbound><choose></policies>" => [
        ("GH0006", 1, 12),
        ("GH0007", 1, 28),
    ];
    unexpected_end_tag: "<policies>\n  </inbound>\n</policies>" => [("GH0008", 2, 3)];
    unclosed_tag_at_end_of_file: "<policies>\n  <inbound" => [
        ("GH0006", 1, 2),
        ("GH0021", 2, 3),
    ];
    // A start tag that lost its `>` before its content: one error, not one per word and
    // quote of the content up to some later `>`.
    start_tag_without_gt_before_an_expression:
        policy("    <set-body\n      @{ var id = context.Variables[\"id\"]; return \"x\"; }\n    </set-body>") => [("GH0021", 3, 6)];
    start_tag_without_gt_before_a_child:
        policy("    <set-header name=\"a\" exists-action=\"override\"\n      <value>b</value>\n    </set-header>") => [("GH0021", 3, 6)];
    // The last value's closing quote right before the line break: the tag still lost its `>`
    // (it was once taken for a value that lost its quote, and nothing was reported).
    start_tag_without_gt_before_an_unindented_child:
        policy("    <set-header name=\"a\" exists-action=\"override\"\n<value>b</value>\n    </set-header>") => [("GH0021", 3, 6)];
    // A note to the reader written inside a start tag (a guide's `<<< Prompt injections
    // protection`): one error for the note, not one per word of it.
    note_inside_a_start_tag:
        policy("    <llm-content-safety backend-id=\"cs\"\n      shield-prompt=\"true\" <<< Prompt injections protection\n      enforce-on-completions=\"true\" />") => [("GH0010", 4, 28)];
    stray_lt_inside_a_start_tag:
        policy("    <set-header name=\"a\" < exists-action=\"override\"><value>b</value></set-header>") => [("GH0010", 3, 26)];
    // A comment opener typed `<--!` (a Spanish guide's policy): one error, not a stray `<` and
    // text that never runs; `a <-- b` in text, with a real comment later, stays a stray `<`.
    mistyped_comment_opener:
        "<policies>\n  <inbound>\n    <base />\n  </inbound>\n<--!    ...    -->\n</policies>\n" => [("GH0012", 5, 1)];
    arrow_in_text_before_a_comment:
        policy("    <set-header name=\"a\" exists-action=\"override\"><value>a <-- b</value></set-header>\n    <!-- note -->") => [("GH0012", 3, 60)];
    start_tag_without_gt_before_an_end_tag:
        policy("    <set-body template=\"none\"\n    </set-body>") => [("GH0021", 3, 6)];
    end_tag_without_gt_before_the_next_tag:
        policy("    <set-header name=\"a\" exists-action=\"override\">\n      <value>b</value\n    </set-header>") => [("GH0021", 4, 15)];
    // A misspelt end tag closes the element it was meant for: its siblings stay siblings.
    misspelt_end_tag:
        policy("    <set-header name=\"a\" exists-action=\"override\">\n      <value>b</value>\n    </set-heder>\n    <base />") => [("GH0007", 5, 5)];
    // An end tag named after another element, where the open element's end tag belongs (the
    // parent's end tag follows): one error, not a second one at `</policies>`.
    end_tag_of_another_section:
        "<policies>\n  <inbound>\n    <base />\n  </outbound>\n  <!-- end -->\n</policies>" => [("GH0007", 4, 3)];
    // Where the parent's end tag does not follow, the stray end tag is only stray.
    stray_end_tag_inside_an_element:
        "<policies>\n  <inbound>\n    </outbound>\n    <base />\n  </inbound>\n</policies>" => [("GH0008", 3, 5)];
    // A guide's `<placeholder>` beside words in element text: one `<` to escape, not an
    // element left open (and, for the model, an unknown child).
    placeholder_in_element_text:
        policy(r#"    <set-header name="a" exists-action="override"><value>Bearer <token-here></value></set-header>"#) => [("GH0012", 3, 65)];
    // Alone, it may be an element left open: the end tag reports it, as before (unless the
    // caller's vocabulary says no element has its name: `placeholders_alone_in_an_element`).
    element_left_open_without_words_beside_it:
        policy(r#"    <set-header name="a" exists-action="override"><value><token-here></value></set-header>"#) => [("GH0007", 3, 70)];
    // No element is spelt with capitals and `_`: a placeholder, alone or not.
    placeholder_in_capitals_alone_in_element_text:
        policy("    <validate-jwt header-name=\"Authorization\">\n      <audiences>\n        <audience><APP_ID_URI></audience>\n      </audiences>\n    </validate-jwt>") => [("GH0012", 5, 19)];
    comment_closed_with_one_dash_before_another_comment_hides_the_markup_between:
        policy("    <!-- note ->\n    <set-header name=\"a\" exists-action=\"override\"><value>b</value></set-header>\n    <!-- end -->") => [("GH0024", 3, 15)];
    arrows_and_commented_out_policies_in_comments_are_fine:
        policy("    <!-- client -> gateway -> backend -->\n    <!-- <set-header name=\"a\" exists-action=\"delete\" /> -->") => [];
    comment_closed_with_one_dash:
        policy("    <!-- the caller's id ->\n    <base />") => [("GH0021", 3, 26)];
    // After `=`, an expression is a value that lacks quotes, not content.
    unquoted_expression_value_is_not_content:
        policy("    <set-variable name=\"a\" value= @(1) />") => [("GH0010", 3, 35)];
    invalid_element_name: "<policies><set$header /></policies>" => [("GH0011", 1, 12)];
    unknown_root_element: "<policy>\n</policy>" => [("GH0018", 1, 2)];
    // A GraphQL resolver's policy has its data source as the root.
    resolver_root: "<http-data-source>\n</http-data-source>" => [];
    misspelt_resolver_root: "<http-datasource>\n</http-datasource>" => [("GH0018", 1, 2)];

    // ----- attributes -----
    duplicate_attribute: policy(r#"    <set-header name="a" exists-action="override" name="b" />"#) => [("GH0009", 3, 51)];
    attribute_without_value: policy(r#"    <set-header name />"#) => [("GH0010", 3, 17)];
    // Copied out of a JSON string: one error, not one per escape.
    json_escaped_document: r#"<policies>\r\n<inbound>\r\n<set-header name=\"a\" exists-action=\"skip\" />\r\n</inbound>\r\n</policies>"# => [("GH0025", 1, 45)];
    json_escaped_document_without_attributes: r#"<policies>\r\n<inbound>\r\n<base />\r\n</inbound>\r\n</policies>"# => [("GH0025", 1, 11)];
    // Pasted through a markdown editor: `&nbsp;` indents and `\[`; one error, not one per line.
    markdown_escaped_document: "<policies>\n\n&nbsp; <inbound>\n\n&nbsp;   <set-variable name=\"a\" value=\"@(context.Variables\\[\"b\"])\" />\n\n&nbsp; </inbound>\n</policies>" => [("GH0025", 3, 1)];
    one_nbsp_is_an_unknown_entity: policy("    <set-header name=\"a\" exists-action=\"skip\"><value>a&nbsp;b</value></set-header>") => [("GH0014", 3, 55)];
    escapes_inside_expressions_are_c_sharp: r#"<policies><inbound><set-body>@("a=\"b\"\n")</set-body></inbound></policies>"# => [];
    // One slip, one error: the `=` is read where it was left out.
    attribute_without_equals: policy(r#"    <set-header name "a" exists-action="skip" />"#) => [("GH0010", 3, 17)];
    value_right_after_element_name: policy(r#"    <set-header "a" />"#) => [("GH0010", 3, 17)];
    unquoted_attribute_value: policy(r#"    <set-header name=accept />"#) => [("GH0010", 3, 22)];
    attributes_without_whitespace: policy(r#"    <set-header name="a"exists-action="skip" />"#) => [("GH0010", 3, 25)];
    less_than_in_attribute_value: policy(r#"    <set-header name="a<b" />"#) => [("GH0012", 3, 24)];
    // One error for the quotes of `O="Contoso, Inc."`, not three about the pieces they cut.
    quotes_inside_attribute_value: policy(r#"    <identity subject="O="Contoso, Inc.", CN=x" issuer-subject="CN=y" />"#) => [("GH0010", 3, 26)];

    // A missing closing quote reads the next attribute into the value: the error says so.
    attribute_value_without_its_closing_quote:
        policy(r#"    <set-header name="a exists-action="override" />"#) => [("GH0010", 3, 24)];
    attribute_value_without_its_closing_quote_before_an_expression:
        policy(r#"    <set-variable name="a value="@(context.Request.Headers.GetValueOrDefault("b", ""))" />"#) => [("GH0010", 3, 26)];
    attribute_value_closed_with_the_other_quote:
        policy(r#"    <set-header name="a' exists-action="override" />"#) => [("GH0010", 3, 24)];

    attribute_value_without_its_closing_quote_before_the_tag_end:
        policy("    <set-header name=\"a\" exists-action=\"override>\n      <value>b</value>\n    </set-header>\n    <base />") => [("GH0010", 3, 49)];
    // `>` is allowed in a value; only a tag after it ends the value.
    greater_than_inside_a_value_is_text:
        policy("    <set-variable name=\"a\" value=\"x > y\" />\n    <set-variable name=\"b\" value=\"&lt;x>\" />") => [];

    // ----- text and references -----
    unescaped_less_than_in_text: policy("    <set-body>x < 5</set-body>") => [("GH0012", 3, 17)];
    stray_ampersand_in_url: policy("    <set-url>https://example.com/?a=1&b=2</set-url>") => [("GH0013", 3, 38)];
    unknown_entity: policy("    <set-body>a&nbsp;b</set-body>") => [("GH0014", 3, 16)];
    invalid_character_reference: policy("    <set-body>&#0;</set-body>") => [("GH0015", 3, 15)];
    text_before_root: "junk\n<policies />" => [("GH0016", 1, 1)];
    text_after_root: "<policies />\ntrailing text\n" => [("GH0016", 2, 1)];
    two_roots: "<policies />\n<policies />\n" => [("GH0017", 2, 2)];
    empty_file: "" => [("GH0004", 1, 1)];
    only_whitespace_and_comments: "  \n<!-- nothing -->\n" => [("GH0004", 1, 1)];

    // ----- markup -----
    doctype_refused: "<!DOCTYPE policies>\n<policies />" => [("GH0005", 1, 1)];
    entity_declaration_refused_and_never_expanded:
        "<!DOCTYPE policies [<!ENTITY secret SYSTEM \"file:///etc/passwd\">]>\n<policies>&secret;</policies>" => [
        ("GH0005", 1, 1),
        ("GH0014", 2, 11),
    ];
    billion_laughs_refused:
        "<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;\">]>\n<policies>&lol2;</policies>" => [
        ("GH0005", 1, 1),
        ("GH0014", 2, 11),
    ];
    unclosed_comment: "<policies>\n<!-- never closed\n" => [
        ("GH0006", 1, 2),
        ("GH0021", 2, 1),
    ];
    unclosed_cdata: "<policies><inbound><set-body><![CDATA[ x" => [
        ("GH0006", 1, 2),
        ("GH0006", 1, 12),
        ("GH0006", 1, 21),
        ("GH0021", 1, 30),
    ];
    unknown_markup_after_bang: "<policies><!foo></policies>" => [("GH0021", 1, 11)];
    // A byte-order mark after the start is a zero-width no-break space: text.
    byte_order_mark_after_bad_markup_is_kept: "<!>\u{FEFF}<policies />" => [
        ("GH0021", 1, 1),
        ("GH0016", 1, 4),
    ];
    doctype_without_a_name: "<!DOCTYPE>\n<policies />" => [("GH0005", 1, 1)];
    misplaced_xml_declaration: "\n<?xml version=\"1.0\"?>\n<policies />" => [("GH0019", 2, 1)];
    unsupported_encoding: "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>\n<policies />" => [("GH0020", 1, 31)];

    // ----- expressions -----
    unbalanced_paren_before_attribute_quote:
        policy(r#"    <set-variable name="x" value="@(context.Variables.GetValueOrDefault("a")" />"#) => [("GH0030", 3, 35)];
    unbalanced_paren_before_end_tag:
        policy("    <set-body>@(context.Request.Body.As<JObject>(preserveContent: true)</set-body>") => [("GH0030", 3, 15)];
    unclosed_inner_bracket_at_end_of_file: "<policies><inbound><set-body>@{ return x[0;" => [
        ("GH0006", 1, 2),
        ("GH0006", 1, 12),
        ("GH0006", 1, 21),
        ("GH0030", 1, 41),
    ];
    mismatched_bracket_in_expression:
        policy(r#"    <set-variable name="x" value="@(items[0)" />"#) => [("GH0031", 3, 44)];
    unterminated_string_in_expression:
        policy("    <set-body>@(\"abc)</set-body>") => [("GH0032", 3, 17)];
    unterminated_string_in_single_quoted_attribute:
        policy(r#"    <set-variable name="x" value='@("abc)' />"#) => [("GH0032", 3, 37)];
    unterminated_char_literal:
        policy("    <set-body>@(s.Split('.))</set-body>") => [("GH0032", 3, 25)];
    unterminated_verbatim_string:
        "<policies><inbound><set-body>@{ var p = @\"C:\\x; return p; }</set-body></inbound></policies>" => [
        ("GH0032", 1, 41),
    ];
    unterminated_comment_in_expression:
        "<policies><inbound><set-body>@{ /* return 1; }</set-body></inbound></policies>" => [
        ("GH0033", 1, 33),
    ];
    named_value_without_closing_braces:
        policy(r#"    <set-backend-service base-url="{{backend-url/v1" />"#) => [("GH0034", 3, 36)];
    expression_after_text_in_an_attribute:
        policy(r#"    <cache-store-value key="verifier-@(context.RequestId)" value="v" duration="60" />"#) => [("GH0035", 3, 38)];
    expression_before_text_in_element_text:
        policy(r#"    <set-header name="a" exists-action="override"><value>@(context.RequestId)"</value></set-header>"#) => [("GH0035", 3, 58)];
    two_expressions_in_one_value:
        policy(r#"    <set-variable name="pair" value="@(1)@(2)" />"#) => [("GH0035", 3, 38)];
    expression_beside_a_named_value:
        policy(r#"    <set-variable name="u" value="{{base}}@(context.RequestId)" />"#) => [("GH0035", 3, 43)];
    expression_with_whitespace_around_is_evaluated:
        policy("    <set-header name=\"a\" exists-action=\"override\"><value>\n      @(context.RequestId)\n    </value></set-header>") => [];

    // ----- bytes -----
    invalid_utf8: b"<policies>\n  <inbound>\xff</inbound>\n</policies>" => [("GH0001", 2, 12)];
    utf16_little_endian_is_read_and_reported: utf16(true, "<policies>\n<inbound>&bad;</inbound></policies>") => [("GH0001", 1, 1), ("GH0014", 2, 10)];
    utf16_big_endian_is_read_and_reported: utf16(false, "<policies><inbound /></policies>") => [("GH0001", 1, 1)];
    utf16_with_an_odd_length_is_not_utf16: b"\xff\xfe<\x00p" => [("GH0001", 1, 1)];
    binary_garbage: b"\x7fELF\x02\x01\x01\x00\x00\x00\xc3\x28\x00\xff\xfe" => [("GH0001", 1, 11)];
    bidirectional_overrides_are_reported_where_they_are: policy("    <set-variable name=\"role\" value=\"@(\"user\u{202E} \u{2066}// admin\u{2069} \u{2066}\")\" />") => [
        ("GH0023", 3, 45),
        ("GH0023", 3, 47),
        ("GH0023", 3, 56),
        ("GH0023", 3, 58),
    ];
    bidirectional_characters_as_references_are_visible: policy("    <set-variable name=\"greeting\" value=\"&#x202E;olleh\" />") => [];
    control_characters: "\x01<policies>\x02</policies>" => [
        ("GH0022", 1, 1),
        ("GH0016", 1, 1),
        ("GH0022", 1, 12),
    ];
}

#[test]
fn every_problem_in_one_document_is_reported() {
    let input = policy(concat!(
        "    <set-header name=\"a\" name=\"b\" />\n",
        "    <set-url>https://x/?a=1&b=2</set-url>\n",
        "    <set-body>@(\"unterminated)</set-body>\n",
        "    </send-request>\n",
        "    <set-backend-service base-url=\"{{oops\" />",
    ));
    let codes: Vec<String> = found(input.as_bytes(), &ReadOptions::default())
        .into_iter()
        .map(|(code, _, _)| code)
        .collect();
    assert_eq!(codes, ["GH0009", "GH0013", "GH0032", "GH0008", "GH0034"]);
}

#[test]
fn nesting_100_000_deep_stops_at_the_limit() {
    let input = format!("<policies>{}", "<a>".repeat(100_000));
    // The 257th open element is `a` number 256, at byte 10 + 255 * 3.
    assert_eq!(
        found(input.as_bytes(), &ReadOptions::default()),
        vec![("GH0003".to_owned(), 1, 777)]
    );
}

#[test]
fn depth_limit_is_configurable() {
    let options = ReadOptions {
        max_depth: 3,
        ..ReadOptions::default()
    };
    let input = "<policies><inbound><choose><when /></choose></inbound></policies>";
    assert_eq!(
        found(input.as_bytes(), &options),
        vec![("GH0003".to_owned(), 1, 29)]
    );
}

#[test]
fn five_mib_document_is_refused_before_reading() {
    let body = "<set-header name=\"x\" />\n".repeat(5 * 1024 * 1024 / 24 + 1);
    let input = policy(&body);
    assert!(input.len() > 5 * 1024 * 1024);
    assert_eq!(
        found(input.as_bytes(), &ReadOptions::default()),
        vec![("GH0002".to_owned(), 1, 1)]
    );
}

#[test]
fn size_limit_is_configurable() {
    let options = ReadOptions {
        max_size: 16,
        ..ReadOptions::default()
    };
    assert_eq!(
        found(b"<policies></policies>", &options),
        vec![("GH0002".to_owned(), 1, 1)]
    );
}

#[test]
fn entities_unescape_once() {
    let output = read(
        b"<policies><set-body>&amp;lt;</set-body></policies>",
        &ReadOptions::default(),
    );
    assert!(output.diagnostics.is_empty());
    let root = output.document.root().expect("root");
    let body = root.child_elements().next().expect("set-body");
    let Some(gatehouse_reader::Node::Text(text)) = body.children.first() else {
        panic!("no text")
    };
    let Some(gatehouse_reader::ValuePart::Literal(literal)) = text.value.parts().first() else {
        panic!("no literal")
    };
    assert_eq!(literal.decoded(&output.document), "&lt;");
}

/// Each diagnostic's code and help line.
fn help(input: &str) -> Vec<String> {
    let output = read(input.as_bytes(), &ReadOptions::default());
    output
        .diagnostics
        .iter()
        .map(|d| format!("{} {}", d.code.id(), d.help.as_deref().unwrap_or_default()))
        .collect()
}

#[test]
fn backslash_escaped_quotes_are_named_as_such() {
    // A C# or JSON habit: XML ends the value at the first `"`, backslash or not.
    assert_eq!(
        help(&policy(
            r#"    <find-and-replace from="\"ssn\":\"x\"" to="y" />"#
        )),
        [
            "GH0010 xml has no backslash escapes: write `\\\"` as `&quot;`, or quote the value with `'`"
        ]
    );
    // Without backslashes, the usual help.
    assert_eq!(
        help(&policy(
            r#"    <identity subject="O="Contoso, Inc.", CN=x" issuer-subject="CN=y" />"#
        )),
        ["GH0010 write it as `&quot;`, or quote the value with `'`"]
    );
}

#[test]
fn typographic_quotes_around_a_value_are_named_as_such() {
    // Quotes a word processor typeset are not quotes to XML: the help must not keep them.
    assert_eq!(
        help(&policy(
            r#"    <set-header name=“x-b” exists-action="override"><value>b</value></set-header>"#
        )),
        ["GH0010 `“` and `”` are typographic quotes: write `\"x-b\"`"]
    );
}

#[test]
fn a_stray_character_beside_an_expression_is_named() {
    // A production policy's `<value>>@(…)</value>`: the header is sent as literal text.
    assert_eq!(
        help(&policy(
            r#"    <set-header name="x-user-id" exists-action="override"><value>>@((string)context.Variables["id"])</value></set-header>"#
        )),
        ["GH0035 delete the stray `>` so that the value is the expression alone"]
    );
    // Words beside it are text meant to be joined: the usual help.
    assert_eq!(
        help(&policy(
            r#"    <cache-store-value key="verifier-@(context.RequestId)" value="v" duration="60" />"#
        )),
        [
            "GH0035 make the whole value one expression, e.g. `@(\"text-\" + …)` or `@($\"text-{…}\")`"
        ]
    );
}

#[test]
fn a_section_as_the_root_is_named_as_one() {
    // Guides show a section alone; APIM saves only a whole document.
    assert_eq!(
        help("<inbound>\n  <base />\n</inbound>\n"),
        ["GH0018 `<inbound>` is a section: put it inside `<policies>`, beside the other sections"]
    );
}

#[test]
fn a_root_a_letter_or_two_off_is_named() {
    // `letters` alone matched plural slips; `<policy>` and `<polices>` are as common.
    for root in ["policy", "polices", "polcies", "Policies"] {
        assert_eq!(
            help(&format!("<{root}>\n</{root}>\n")),
            ["GH0018 did you mean `<policies>`?"],
            "{root}"
        );
    }
    assert_eq!(
        help("<fragmnet>\n</fragmnet>\n"),
        ["GH0018 did you mean `<fragment>`?"]
    );
    // Too far from every root: the list of roots.
    assert_eq!(
        help("<choose>\n</choose>\n"),
        [
            "GH0018 a policy document's root is `<policies>`, a policy fragment's `<fragment>`, a graphql resolver's its data source (`<http-data-source>` …)"
        ]
    );
}

#[test]
fn a_gt_left_after_a_comment_is_named_as_one() {
    // CrewAakash/aoai-apim-policies' AdaptiveRateLimiting.xml closes its header comment `-->>`.
    assert_eq!(
        help("<!-- adaptive rate limiting -->>\n<policies />\n"),
        ["GH0016 a `>` left after the comment's `-->`: delete it"]
    );
    // Other text before the root keeps the usual help.
    assert_eq!(
        help("<!-- a -->x\n<policies />\n"),
        [
            "GH0016 text before the root element is not part of the document; delete it or move it into a comment"
        ]
    );
}

#[test]
fn a_list_of_policies_is_one_error_not_one_per_element() {
    // A guide's snippet saved as a file: before, one GH0018 and a GH0017 for every policy after
    // the first.
    let snippet = "<choose>\n  <when condition=\"@(true)\" />\n</choose>\n<set-header name=\"a\" exists-action=\"delete\" />\n<rate-limit calls=\"1\" renewal-period=\"1\" />\n";
    assert_eq!(
        help(snippet),
        [
            "GH0018 a list of policies is not a document: wrap it in `<fragment>` … `</fragment>` to include it, or put it in a section of `<policies>`"
        ]
    );
    let output = read(snippet.as_bytes(), &ReadOptions::default());
    let messages: Vec<&str> = output
        .diagnostics
        .iter()
        .map(|diagnostic| diagnostic.message.as_str())
        .collect();
    assert_eq!(
        messages,
        ["unknown root element `<choose>`, and 2 more top-level elements after it"]
    );
    assert_eq!(
        help("<inbound>\n  <base />\n</inbound>\n<backend>\n  <base />\n</backend>\n"),
        ["GH0018 these are sections: put them inside one `<policies>` element"]
    );
    // A misspelt root keeps its suggestion.
    assert_eq!(
        help("<fragments />\n<fragments />\n"),
        ["GH0018 did you mean `<fragment>`?"]
    );
}

#[test]
fn a_placeholder_in_angle_brackets_is_named_as_one() {
    assert_eq!(
        help(&policy(
            r#"    <set-backend-service base-url="https://<app-service>.azurewebsites.net" />"#
        )),
        ["GH0012 `<app-service>` is a placeholder: write the real value in its place"]
    );
    // Doubled brackets are one placeholder, and one error.
    assert_eq!(
        help(&policy(
            r#"    <set-backend-service base-url="https://<<API_URL>>/openai" />"#
        )),
        ["GH0012 `<<API_URL>>` is a placeholder: write the real value in its place"]
    );
    // Two in one value are two.
    assert_eq!(
        help(&policy(r#"    <set-header name="<<a>><b>" />"#)).len(),
        2
    );
    // A comparison is not a placeholder.
    assert_eq!(
        help(&policy(r#"    <set-header name="a < b > c" />"#)),
        ["GH0012 write `&lt;`, or compute the value with a policy expression"]
    );
}

#[test]
fn a_value_without_a_name_is_named_as_such() {
    assert_eq!(
        help(&policy(
            r#"    <set-header "X-Tier" exists-action="skip" />"#
        )),
        ["GH0010 write the attribute's name and `=` before it, as in `name=\"X-Tier\"`"]
    );
}

/// The codes `input` gets when the reader knows some element names.
fn codes_with_vocabulary(input: &str) -> Vec<(String, u32, u32)> {
    let options = ReadOptions {
        known_element: Some(|name| matches!(name, "forward-request" | "value" | "audience")),
        ..ReadOptions::default()
    };
    found(input.as_bytes(), &options)
}

#[test]
fn placeholders_alone_in_an_element() {
    // Guides write `<audience><client-id></audience>` (a B2C walkthrough) and
    // `<audience><APP_ID_URI></audience>`: one error for the placeholder, not an unknown child
    // and an element left open.
    assert_eq!(
        codes_with_vocabulary(&policy(
            r#"    <set-header name="a" exists-action="override"><value><token-here></value></set-header>"#
        )),
        [("GH0012".to_owned(), 3, 58)]
    );
    // A name of the vocabulary left open is the slip it looks like.
    assert_eq!(
        codes_with_vocabulary(&policy("    <backend><forward-request></backend>")),
        [("GH0007".to_owned(), 3, 31)]
    );
    // On lines of its own, indented, it is an element left open whatever its name.
    assert_eq!(
        codes_with_vocabulary(&policy(
            "    <set-body>\n      <token-here>\n    </set-body>"
        )),
        [("GH0007".to_owned(), 5, 5)]
    );
    assert_eq!(
        help(&policy(
            r#"    <validate-jwt header-name="Authorization"><openid-config url="<--your_own_authorization_url-->" /><audiences><audience><-- your_own_app_id --></audience></audiences></validate-jwt>"#
        )),
        [
            "GH0012 `<--your_own_authorization_url-->` is a placeholder: write the real value in its place",
            "GH0012 `<-- your_own_app_id -->` alone between an element's tags holds the place of its value: write the value there (a comment opens with `<!--`)",
        ]
    );
}

#[test]
fn an_empty_element_written_for_an_end_tag() {
    // The docs' limit-concurrency example, for years and in every language:
    // `<limit-concurrency …> <forward-request …/> <limit-concurrency/> </backend>`.
    let input = "<policies>\n  <backend>\n    <limit-concurrency key=\"k\" max-count=\"3\">\n      <forward-request timeout=\"120\"/>\n    <limit-concurrency/>\n  </backend>\n</policies>\n";
    assert_eq!(
        found(input.as_bytes(), &ReadOptions::default()),
        [("GH0006".to_owned(), 5, 5)]
    );
    assert_eq!(help(input), ["GH0006 write `</limit-concurrency>`"]);
    // Not right before the parent's end tag, it may be a real element (a body's XML).
    assert_eq!(
        found(
            b"<policies><inbound><item><item/><other/></item></inbound></policies>",
            &ReadOptions::default()
        ),
        []
    );
    // With attributes it is an element.
    assert_eq!(
        found(
            b"<policies><inbound><choose><choose a=\"1\"/></inbound></policies>",
            &ReadOptions::default()
        ),
        [("GH0007".to_owned(), 1, 43)]
    );
}

#[test]
fn comments_written_with_dashes() {
    // A word processor makes one dash of `--`: `<!— nested policy statements -->` in the docs'
    // policy statements, and `<!— note —>` in pages copied from them. One error each; the
    // comment ends where its author meant, and what follows is read.
    let input = "<policies>\n  <inbound>\n    <!\u{2014} check the key \u{2014}>\n    <base />\n    <!-- limit per key \u{2013}>\n  </inbound>\n</policies>\n";
    assert_eq!(
        found(input.as_bytes(), &ReadOptions::default()),
        [("GH0021".to_owned(), 3, 5), ("GH0021".to_owned(), 5, 24)]
    );
    assert_eq!(
        help(input),
        [
            "GH0021 write `<!--` and `-->`: a word processor makes one dash of `--`",
            "GH0021 write `-->`: without it the rest of the document is comment",
        ]
    );
    // With no end after it, the opener is still unknown markup, and the help names the dash.
    assert_eq!(
        help("<policies><inbound><!\u{2014} never ended <base /></inbound></policies>"),
        [
            "GH0021 a comment opens with `<!--`: a word processor makes one dash of `--`, and the comment needs `-->` to end"
        ]
    );
    // A dashed end before a later comment's `-->`: the markup between is commented out.
    assert_eq!(
        found(
            "<policies><inbound><!-- a \u{2014}> <base /> <!-- b --></inbound></policies>"
                .as_bytes(),
            &ReadOptions::default()
        ),
        [("GH0024".to_owned(), 1, 27)]
    );
}

#[test]
fn a_doubled_lt_is_one_error() {
    // A Bicep template's policy value began `'<<policies>\r\n …'`: one `<` too many, not also
    // text outside the root (or text in a section that never runs).
    let input = "<<policies>\n  <inbound>\n    <base />\n  </inbound>\n</policies>\n";
    assert_eq!(
        found(input.as_bytes(), &ReadOptions::default()),
        [("GH0012".to_owned(), 1, 1)]
    );
    assert_eq!(help(input), ["GH0012 the `<` is doubled: delete one"]);
    assert_eq!(
        found(
            b"<policies><inbound><<base /></inbound></policies>",
            &ReadOptions::default()
        ),
        [("GH0012".to_owned(), 1, 20)]
    );
    // A shift in text is two stray `<`s, as before.
    assert_eq!(
        help("<policies><inbound><base /></inbound><x>1 << 2</x></policies>"),
        ["GH0012 write `&lt;`, or put the comparison inside a policy expression `@(…)`"; 2]
    );
}

#[test]
fn quotes_escaped_with_backslashes_inside_an_expression_end_it_at_its_bracket() {
    // A guide's `value="@(….GetValueOrDefault(\"x-tenant-id\",\"unknown\"))"` and a Terraform
    // heredoc's `counter-key`: the `\"` pairs are read as the strings meant, so the expression
    // ends at its own `)` and the attribute at its quote; the parser names the backslashes.
    for line in [
        r#"    <set-variable name="tenant" value="@(context.Request.Headers.GetValueOrDefault(\"x-tenant-id\",\"unknown\"))" />"#,
        r#"    <set-header name="x" exists-action="override"><value>@(context.Variables.GetValueOrDefault<string>(\"a\", \"\\\\b\"))</value></set-header>"#,
    ] {
        assert_eq!(found(policy(line).as_bytes(), &ReadOptions::default()), []);
    }
}
