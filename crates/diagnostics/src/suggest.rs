//! "Did you mean": how far apart two names are, and what a typeset quote stands for.

/// The Levenshtein distance between `a` and `b`, counted in characters: how many insertions,
/// deletions and substitutions turn one into the other.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        if let Some(first) = current.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous.get(j).copied().unwrap_or(0) + usize::from(ca != *cb);
            let deletion = previous.get(j + 1).copied().unwrap_or(0) + 1;
            let insertion = current.get(j).copied().unwrap_or(0) + 1;
            if let Some(cell) = current.get_mut(j + 1) {
                *cell = substitution.min(deletion).min(insertion);
            }
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous.last().copied().unwrap_or(0)
}

/// The straight quote a typographic one stands for: the quotes a word processor, a chat app or a
/// web page puts in place of `"` and `'`, which neither XML nor C# reads as quotes.
pub fn straight_quote(c: char) -> Option<char> {
    match c {
        '“' | '”' | '„' | '«' | '»' => Some('"'),
        '‘' | '’' => Some('\''),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn distances() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("set-header", "set-header"), 0);
        assert_eq!(edit_distance("set-heder", "set-header"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("é", "e"), 1);
    }
}
