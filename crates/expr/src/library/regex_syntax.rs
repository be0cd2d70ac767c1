//! Which patterns .NET's `Regex` refuses, by .NET's own parsing rules (`RegexParser`), so that
//! a constant pattern that throws `ArgumentException` on every request is found before it runs,
//! and the evaluator throws for the same patterns .NET does rather than for what `fancy-regex`
//! happens to refuse.
//!
//! Only refusals are judged here; a pattern this accepts may still use a construct the
//! translation to `fancy-regex` lacks. The verdicts are checked against Mono's `Regex` in the
//! oracle's `regex.cases` (`pattern-error-*`).

/// What .NET's parser makes of a pattern.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Accepted,
    /// Refused, with why (its `ArgumentException` message, in lower case).
    Refused(String),
    /// Not judged: with `IgnorePatternWhitespace` (given or inline) spaces and `#` comments
    /// change the reading.
    Unjudged,
}

/// [`dotnet_verdict`] under `RegexOptions` bits.
pub(crate) fn verdict_with_options(pattern: &str, options: i64) -> Verdict {
    use super::regex::{EXPLICIT_CAPTURE, IGNORE_PATTERN_WHITESPACE};
    dotnet_verdict(
        pattern,
        options & IGNORE_PATTERN_WHITESPACE != 0,
        options & EXPLICIT_CAPTURE != 0,
    )
}

/// Whether .NET accepts `pattern` (see [`Verdict`]).
pub(crate) fn dotnet_verdict(
    pattern: &str,
    ignore_whitespace: bool,
    explicit_capture: bool,
) -> Verdict {
    let chars: Vec<char> = pattern.chars().collect();
    let inline = inline_options(&chars);
    if ignore_whitespace || inline.contains('x') {
        return Verdict::Unjudged;
    }
    let groups = Groups::of(&chars, explicit_capture || inline.contains('n'));
    let mut parser = Parser {
        chars: &chars,
        at: 0,
        depth: 0,
        atom: false,
        quantified: Quantified::No,
        groups: &groups,
    };
    match parser.run() {
        Ok(()) => Verdict::Accepted,
        Err(why) => Verdict::Refused(why),
    }
}

/// Every option letter set by an inline `(?imnsx)` or `(?imnsx:` group.
fn inline_options(chars: &[char]) -> String {
    let mut letters = String::new();
    let mut at = 0;
    while let Some(&c) = chars.get(at) {
        if c == '\\' {
            at += 2;
            continue;
        }
        if c == '(' && chars.get(at + 1) == Some(&'?') {
            let run: String = chars
                .iter()
                .skip(at + 2)
                .take_while(|c| matches!(c, 'i' | 'm' | 'n' | 's' | 'x' | '-'))
                .collect();
            if matches!(chars.get(at + 2 + run.chars().count()), Some(':' | ')')) {
                // Letters after `-` turn the option off.
                letters.push_str(run.split('-').next().unwrap_or_default());
            }
        }
        at += 1;
    }
    letters
}

/// The pattern's capture groups, as .NET numbers them: unnamed first, then named.
struct Groups {
    unnamed: usize,
    names: Vec<String>,
    /// Numbered names (`(?<2>…)`) or conditionals make the numbering more than this counts:
    /// numbered references are then not judged.
    numbering_unsure: bool,
}

impl Groups {
    fn of(chars: &[char], explicit_capture: bool) -> Self {
        let mut groups = Groups {
            unnamed: 0,
            names: Vec::new(),
            numbering_unsure: false,
        };
        let mut at = 0;
        let mut in_class = false;
        while let Some(&c) = chars.get(at) {
            match c {
                '\\' => at += 1,
                '[' if !in_class => in_class = true,
                ']' if in_class => in_class = false,
                '(' if !in_class => {
                    if chars.get(at + 1) != Some(&'?') {
                        if !explicit_capture {
                            groups.unnamed += 1;
                        }
                    } else if let Some(name) = group_name(chars, at + 2) {
                        let name: String = name.split('-').next().unwrap_or_default().to_owned();
                        if name.chars().all(|c| c.is_ascii_digit()) {
                            groups.numbering_unsure = true;
                        } else if !name.is_empty() && !groups.names.contains(&name) {
                            groups.names.push(name);
                        }
                    } else if chars.get(at + 2) == Some(&'(') {
                        groups.numbering_unsure = true;
                    }
                }
                _ => {}
            }
            at += 1;
        }
        groups
    }

    /// Whether `\n` or `\k<n>` names a group.
    fn has_number(&self, number: usize) -> bool {
        number >= 1 && number <= self.unnamed + self.names.len()
    }
}

/// The name of a `(?<name>` or `(?'name'` group that starts at `at` (after `(?`), balancing
/// part included (`a-b`); `None` for lookbehind and other constructs.
fn group_name(chars: &[char], at: usize) -> Option<String> {
    let close = match chars.get(at)? {
        '<' if !matches!(chars.get(at + 1), Some('=' | '!')) => '>',
        '\'' => '\'',
        _ => return None,
    };
    let name: String = chars
        .iter()
        .skip(at + 1)
        .take_while(|c| **c != close)
        .collect();
    Some(name)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Quantified {
    No,
    /// A quantifier came last: `?` may make it lazy, nothing else may follow.
    Greedy,
    Lazy,
}

struct Parser<'a> {
    chars: &'a [char],
    at: usize,
    depth: usize,
    /// Whether something a quantifier can apply to came last (an anchor counts, as in .NET).
    atom: bool,
    quantified: Quantified,
    groups: &'a Groups,
}

impl Parser<'_> {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.at + ahead).copied()
    }

    fn run(&mut self) -> Result<(), String> {
        while let Some(c) = self.peek(0) {
            match c {
                '\\' => {
                    self.escape()?;
                    self.atom = true;
                    self.quantified = Quantified::No;
                }
                '[' => {
                    self.at += 1;
                    self.class()?;
                    self.atom = true;
                    self.quantified = Quantified::No;
                }
                '(' => self.open()?,
                ')' => {
                    if self.depth == 0 {
                        return Err("too many )'s".to_owned());
                    }
                    self.depth -= 1;
                    self.at += 1;
                    self.atom = true;
                    self.quantified = Quantified::No;
                }
                '|' => {
                    self.at += 1;
                    self.atom = false;
                    self.quantified = Quantified::No;
                }
                '*' | '+' | '?' => {
                    self.quantifier(c)?;
                    self.at += 1;
                }
                '{' => match self.brace_quantifier() {
                    Some((low, high, len)) => {
                        if high.is_some_and(|high| low > high) {
                            return Err("illegal {x,y} with x > y".to_owned());
                        }
                        self.quantifier('{')?;
                        self.at += len;
                    }
                    None => {
                        self.at += 1;
                        self.atom = true;
                        self.quantified = Quantified::No;
                    }
                },
                _ => {
                    self.at += 1;
                    self.atom = true;
                    self.quantified = Quantified::No;
                }
            }
        }
        if self.depth > 0 {
            return Err("not enough )'s".to_owned());
        }
        Ok(())
    }

    fn quantifier(&mut self, c: char) -> Result<(), String> {
        match self.quantified {
            Quantified::Greedy if c == '?' => {
                self.quantified = Quantified::Lazy;
                Ok(())
            }
            Quantified::Greedy | Quantified::Lazy => Err(format!("nested quantifier {c}")),
            Quantified::No if !self.atom => Err("quantifier {x,y} following nothing".to_owned()),
            Quantified::No => {
                self.quantified = Quantified::Greedy;
                Ok(())
            }
        }
    }

    /// `{n}`, `{n,}` or `{n,m}` at the cursor: the bounds and the length; anything else is a
    /// literal `{` in .NET.
    fn brace_quantifier(&self) -> Option<(u64, Option<u64>, usize)> {
        let rest: String = self
            .chars
            .iter()
            .skip(self.at + 1)
            .take_while(|c| **c != '}')
            .collect();
        let close = self.at + 1 + rest.chars().count();
        self.chars.get(close)?;
        let (low, high) = match rest.split_once(',') {
            Some((low, high)) => (low, Some(high)),
            None => (rest.as_str(), None),
        };
        let digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
        if !digits(low) || high.is_some_and(|h| !h.is_empty() && !digits(h)) {
            return None;
        }
        let low = low.parse().ok()?;
        let high = match high {
            Some("") | None => None,
            Some(high) => Some(high.parse().ok()?),
        };
        Some((low, high, close + 1 - self.at))
    }

    fn open(&mut self) -> Result<(), String> {
        self.quantified = Quantified::No;
        if self.peek(1) != Some('?') {
            self.at += 1;
            self.depth += 1;
            self.atom = false;
            return Ok(());
        }
        let construct = self.peek(2);
        match construct {
            Some(':' | '=' | '!' | '>') => self.at += 3,
            Some('<') if matches!(self.peek(3), Some('=' | '!')) => self.at += 4,
            Some('<' | '\'') => {
                let name = group_name(self.chars, self.at + 2).unwrap_or_default();
                let close = if construct == Some('<') { '>' } else { '\'' };
                let (own, balanced) = match name.split_once('-') {
                    Some((own, balanced)) => (own.to_owned(), Some(balanced.to_owned())),
                    None => (name.clone(), None),
                };
                let word =
                    |s: &str| !s.is_empty() && s.chars().all(|c| c.is_alphanumeric() || c == '_');
                if self.chars.get(self.at + 3 + name.chars().count()) != Some(&close)
                    || (!own.is_empty() && !word(&own))
                    || (own.is_empty() && balanced.is_none())
                {
                    return Err(
                        "invalid group name: group names must begin with a word character"
                            .to_owned(),
                    );
                }
                if let Some(balanced) = balanced {
                    self.reference(&balanced)?;
                }
                self.at += 4 + name.chars().count();
            }
            Some('(') => self.at += 2,
            Some('#') => {
                let close = self.chars.iter().skip(self.at).position(|c| *c == ')');
                let Some(close) = close else {
                    return Err("unterminated (?#...) comment".to_owned());
                };
                // A comment is nothing: what came before it is still what a quantifier
                // would apply to.
                self.at += close + 1;
                return Ok(());
            }
            _ => {
                let run = self
                    .chars
                    .iter()
                    .skip(self.at + 2)
                    .take_while(|c| matches!(c, 'i' | 'm' | 'n' | 's' | 'x' | '-'))
                    .count();
                match self.peek(2 + run) {
                    Some(':') if run > 0 => self.at += 3 + run,
                    Some(')') if run > 0 => {
                        // `(?i)` sets options: it is not a group, and nothing to quantify.
                        self.at += 3 + run;
                        self.atom = false;
                        return Ok(());
                    }
                    _ => return Err("unrecognized grouping construct".to_owned()),
                }
            }
        }
        self.depth += 1;
        self.atom = false;
        Ok(())
    }

    /// A reference to a group by name or number, `\k<…>` or a balancing group's second name.
    fn reference(&self, name: &str) -> Result<(), String> {
        if let Ok(number) = name.parse::<usize>() {
            if !self.groups.numbering_unsure && !self.groups.has_number(number) {
                return Err(format!("reference to undefined group number {number}"));
            }
            return Ok(());
        }
        if !self.groups.names.iter().any(|known| known == name) {
            return Err(format!("reference to undefined group name {name}"));
        }
        Ok(())
    }

    /// An escape outside a class, the cursor on its `\`.
    fn escape(&mut self) -> Result<(), String> {
        let Some(c) = self.peek(1) else {
            return Err("illegal \\ at end of pattern".to_owned());
        };
        match c {
            '1'..='9' => {
                let digits: String = self
                    .chars
                    .iter()
                    .skip(self.at + 1)
                    .take_while(|c| c.is_ascii_digit())
                    .collect();
                let number: usize = digits.parse().unwrap_or(usize::MAX);
                // Above 9, a number that is no group is read as an octal escape.
                if number <= 9 && !self.groups.numbering_unsure && !self.groups.has_number(number) {
                    return Err(format!("reference to undefined group number {number}"));
                }
                self.at += 1 + digits.chars().count();
                Ok(())
            }
            'k' => {
                let close = match self.peek(2) {
                    Some('<') => '>',
                    Some('\'') => '\'',
                    _ => return Err("malformed \\k<...> named back reference".to_owned()),
                };
                let name: String = self
                    .chars
                    .iter()
                    .skip(self.at + 3)
                    .take_while(|c| **c != close)
                    .collect();
                if self.chars.get(self.at + 3 + name.chars().count()) != Some(&close) {
                    return Err(if name.is_empty() {
                        "malformed \\k<...> named back reference".to_owned()
                    } else {
                        "unrecognized escape sequence \\k".to_owned()
                    });
                }
                self.reference(&name)?;
                self.at += 4 + name.chars().count();
                Ok(())
            }
            'b' | 'B' | 'A' | 'z' | 'Z' | 'G' | 'd' | 'D' | 's' | 'S' | 'w' | 'W' => {
                self.at += 2;
                Ok(())
            }
            _ => {
                let len = self.char_escape(c, false)?;
                self.at += 1 + len;
                Ok(())
            }
        }
    }

    /// The escapes .NET reads in and out of classes (`ScanCharEscape`, with `\p`): the length
    /// after the `\`.
    fn char_escape(&self, c: char, in_class: bool) -> Result<usize, String> {
        let hex = |count: usize| {
            let found = self
                .chars
                .iter()
                .skip(self.at + 2)
                .take(count)
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            if found < count {
                Err("insufficient hexadecimal digits".to_owned())
            } else {
                Ok(1 + count)
            }
        };
        match c {
            'x' => hex(2),
            'u' => hex(4),
            'c' => match self.peek(2) {
                None => Err("missing control character".to_owned()),
                Some(letter)
                    if letter.is_ascii_alphabetic()
                        || matches!(letter, '@' | '[' | '\\' | ']' | '^' | '_') =>
                {
                    Ok(2)
                }
                Some(_) => Err("unrecognized control character".to_owned()),
            },
            'p' | 'P' => {
                if self.peek(2) != Some('{') {
                    return Err("incomplete \\p{X} character escape".to_owned());
                }
                let close = self.chars.iter().skip(self.at + 3).position(|c| *c == '}');
                close
                    .map(|close| close + 3)
                    .ok_or_else(|| "incomplete \\p{X} character escape".to_owned())
            }
            '0'..='7' => Ok(1),
            'a' | 'b' | 'e' | 'f' | 'n' | 'r' | 't' | 'v' => Ok(1),
            'd' | 'D' | 's' | 'S' | 'w' | 'W' if in_class => Ok(1),
            c if c.is_alphanumeric() || c == '_' => {
                Err(format!("unrecognized escape sequence \\{c}"))
            }
            _ => Ok(1),
        }
    }

    /// A character class, the cursor after its `[`; ends after its `]`.
    fn class(&mut self) -> Result<(), String> {
        if self.peek(0) == Some('^') {
            self.at += 1;
        }
        let mut first = true;
        // The last single character read, which a `-` can make the start of a range.
        let mut previous: Option<char> = None;
        loop {
            let Some(c) = self.peek(0) else {
                return Err("unterminated [] set".to_owned());
            };
            match c {
                ']' if !first => {
                    self.at += 1;
                    return Ok(());
                }
                '-' if !first && self.peek(1) == Some('[') => {
                    // Subtraction, `[a-z-[aeiou]]`: a class of its own, then this one's `]`.
                    self.at += 2;
                    self.class()?;
                    if self.peek(0) != Some(']') {
                        return Err("unterminated [] set".to_owned());
                    }
                    self.at += 1;
                    return Ok(());
                }
                '-' if previous.is_some() && self.peek(1).is_some_and(|next| next != ']') => {
                    let low = previous.take().unwrap_or_default();
                    self.at += 1;
                    let high = match self.peek(0) {
                        Some('\\') => {
                            let escaped = self.peek(1).unwrap_or_default();
                            if matches!(escaped, 'd' | 'D' | 's' | 'S' | 'w' | 'W' | 'p' | 'P') {
                                return Err(format!(
                                    "cannot include class \\{escaped} in character range"
                                ));
                            }
                            let len = self.char_escape(escaped, true)?;
                            let value = simple_escape_value(escaped);
                            self.at += 1 + len;
                            value
                        }
                        Some(high) => {
                            self.at += 1;
                            Some(high)
                        }
                        None => return Err("unterminated [] set".to_owned()),
                    };
                    if high.is_some_and(|high| high < low) {
                        return Err("[x-y] range in reverse order".to_owned());
                    }
                }
                '\\' => {
                    let Some(escaped) = self.peek(1) else {
                        return Err("illegal \\ at end of pattern".to_owned());
                    };
                    let len = self.char_escape(escaped, true)?;
                    previous = simple_escape_value(escaped).filter(|_| len == 1);
                    self.at += 1 + len;
                }
                _ => {
                    previous = Some(c);
                    self.at += 1;
                }
            }
            first = false;
        }
    }
}

/// The character a one-letter escape stands for, where that is fixed (`\n`, `\-`, `\]`).
fn simple_escape_value(escaped: char) -> Option<char> {
    match escaped {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'e' => Some('\u{1b}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        c if !c.is_alphanumeric() => Some(c),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{Verdict, dotnet_verdict};

    /// Mono's `new Regex(p)` on this machine, for each pattern (`/tmp/rx` in the commit's note).
    const MONO: &[(&str, Option<&str>)] = &[
        ("(a", Some("not enough )'s")),
        ("a)", Some("too many )'s")),
        ("[a-z", Some("unterminated [] set")),
        ("*a", Some("quantifier {x,y} following nothing")),
        ("a**", Some("nested quantifier *")),
        ("a*?", None),
        ("a*??", Some("nested quantifier ?")),
        ("a{2}{3}", Some("nested quantifier {")),
        ("a*+", Some("nested quantifier +")),
        ("(?<x>a)\\k<y>", Some("reference to undefined group name y")),
        ("\\q", Some("unrecognized escape sequence \\q")),
        ("\\_", Some("unrecognized escape sequence \\_")),
        ("a{2,1}", Some("illegal {x,y} with x > y")),
        ("[z-a]", Some("[x-y] range in reverse order")),
        ("^*", None),
        ("$+", None),
        ("\\b*", None),
        ("(?i)*", Some("quantifier {x,y} following nothing")),
        ("(?#abc", Some("unterminated (?#...) comment")),
        ("(?Pa)", Some("unrecognized grouping construct")),
        (
            "(?<>a)",
            Some("invalid group name: group names must begin with a word character"),
        ),
        ("\\1", Some("reference to undefined group number 1")),
        ("(a)\\2", Some("reference to undefined group number 2")),
        ("a|*b", Some("quantifier {x,y} following nothing")),
        ("(*a)", Some("quantifier {x,y} following nothing")),
        ("\\", Some("illegal \\ at end of pattern")),
        ("[\\q]", Some("unrecognized escape sequence \\q")),
        ("[\\k]", Some("unrecognized escape sequence \\k")),
        (
            "[a-\\d]",
            Some("cannot include class \\d in character range"),
        ),
        ("x{,3}", None),
        ("{3}", Some("quantifier {x,y} following nothing")),
        ("a{3", None),
        ("(?", Some("unrecognized grouping construct")),
        ("(?<x>a)(?<x>b)", None),
        ("(?(x)a|b)", None),
        ("[a-z-[aeiou]]", None),
        ("\\k<1>", Some("reference to undefined group number 1")),
        ("\\c", Some("missing control character")),
        ("\\x4", Some("insufficient hexadecimal digits")),
        ("\\u12", Some("insufficient hexadecimal digits")),
        (".{2}*", Some("nested quantifier *")),
        ("(?=a)*", None),
        ("(?:)*", None),
        ("()*", None),
        ("\\G*", None),
        ("[]a]", None),
        ("[^]a]", None),
        ("[a-]", None),
        ("\\8", Some("reference to undefined group number 8")),
        ("(a)\\10", None),
        ("\\0", None),
        ("\\07", None),
        ("a{1,2}?", None),
        ("a{1}?", None),
        ("\\Q", Some("unrecognized escape sequence \\Q")),
        ("\\K", Some("unrecognized escape sequence \\K")),
        ("\\h", Some("unrecognized escape sequence \\h")),
        ("[\\B]", Some("unrecognized escape sequence \\B")),
        ("[\\Z]", Some("unrecognized escape sequence \\Z")),
        ("[\\b]", None),
        ("[\\e]", None),
        ("[\\_]", Some("unrecognized escape sequence \\_")),
        ("[\\-]", None),
        ("[\\.]", None),
        ("\\k", Some("malformed \\k<...> named back reference")),
        ("\\k<", Some("malformed \\k<...> named back reference")),
        ("\\k<a", Some("unrecognized escape sequence \\k")),
        (
            "(?<a.b>x)",
            Some("invalid group name: group names must begin with a word character"),
        ),
        ("(?<a-b>x)", Some("reference to undefined group name b")),
        ("(?<a>x)(?<b-a>y)", None),
        ("(?'a'x)\\k'a'", None),
        ("(?P<a>x)", Some("unrecognized grouping construct")),
        ("(?i:a)*", None),
        ("(?i-s)a", None),
        ("(?z)a", Some("unrecognized grouping construct")),
        ("(?<=a)b", None),
        ("(?<!a)b", None),
        ("(?>a)+", None),
        ("(?!a)*", None),
        ("\\p{L}+", None),
        ("\\pL", Some("incomplete \\p{X} character escape")),
        ("\\p", Some("incomplete \\p{X} character escape")),
        ("[\\p{L}]", None),
        ("[a-\\n]", Some("[x-y] range in reverse order")),
        ("[\\n-a]", None),
        ("[a-z-[a]]x", None),
        ("[a-z-[a]", Some("unterminated [] set")),
        ("a{2,3}{1}", Some("nested quantifier {")),
        ("a{0}", None),
        ("\\x41", None),
        ("\\u0041", None),
        ("\\cA", None),
        ("\\c1", Some("unrecognized control character")),
        ("(a)(b)\\2", None),
        ("(?<n>a)\\2", Some("reference to undefined group number 2")),
        ("(?<n>a)\\1", None),
        ("(a)(?<n>b)\\2", None),
        (
            "(a)(?<n>b)\\3",
            Some("reference to undefined group number 3"),
        ),
        ("(?:a)\\1", Some("reference to undefined group number 1")),
        ("(?<n>a)\\k<n>\\k<1>", None),
        ("\\k<2>(a)", Some("reference to undefined group number 2")),
        ("\\1(a)", None),
        ("(a|", Some("not enough )'s")),
        ("|a", None),
        ("a||b", None),
        ("a|", None),
        ("a(?i)*", Some("quantifier {x,y} following nothing")),
        ("a(?#c)*", None),
        ("(?#c)*", Some("quantifier {x,y} following nothing")),
        ("(a)(?i)+", Some("quantifier {x,y} following nothing")),
    ];

    #[test]
    fn refuses_what_mono_refuses_and_nothing_else() {
        let mut wrong = Vec::new();
        for (pattern, mono) in MONO {
            let ours = match dotnet_verdict(pattern, false, false) {
                Verdict::Refused(why) => Some(why),
                Verdict::Accepted | Verdict::Unjudged => None,
            };
            if ours.as_deref() != *mono {
                wrong.push(format!("{pattern}: mono {mono:?}, ours {ours:?}"));
            }
        }
        assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    }

    #[test]
    fn leaves_patterns_with_ignored_whitespace_alone() {
        assert_eq!(dotnet_verdict("a)", true, false), Verdict::Unjudged);
        assert_eq!(dotnet_verdict("(?x) a )", false, false), Verdict::Unjudged);
        assert_eq!(
            dotnet_verdict("(?-x:a))", false, false),
            Verdict::Refused("too many )'s".to_owned())
        );
    }
}
