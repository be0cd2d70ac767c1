//! Scopes and `<base />`: the effective document the gateway runs.

use crate::catalog::{Scope, Section};
use crate::document::{Item, Policy, PolicyDocument};

/// One scope's document in a chain.
#[derive(Clone, Copy, Debug)]
pub struct Layer<'d> {
    pub scope: Scope,
    pub document: &'d PolicyDocument,
}

/// A policy of the effective document, with the scope it came from.
#[derive(Clone, Copy, Debug)]
pub struct Placed<'d> {
    pub scope: Scope,
    pub policy: &'d Policy,
}

/// The effective policies of each section, in the order they run.
#[derive(Debug, Default)]
pub struct Effective<'d> {
    pub sections: Vec<(Section, Vec<Placed<'d>>)>,
}

impl<'d> Effective<'d> {
    pub fn section(&self, section: Section) -> &[Placed<'d>] {
        self.sections
            .iter()
            .find(|(s, _)| *s == section)
            .map(|(_, policies)| policies.as_slice())
            .unwrap_or_default()
    }
}

/// Composes a chain of scopes given broadest first (global, …, operation).
///
/// In each section, `<base />` stands for the same section of the next broader scope at that
/// position; a section without `<base />` — or a scope without the section — inherits nothing;
/// `<base />` at the broadest layer stands for nothing.
pub fn compose<'d>(layers: &[Layer<'d>]) -> Effective<'d> {
    let mut effective = Effective::default();
    for section in Section::ALL {
        let mut composed: Vec<Placed<'d>> = Vec::new();
        for layer in layers {
            let Some(block) = layer.document.section(section) else {
                composed = Vec::new();
                continue;
            };
            let mut next = Vec::with_capacity(block.items.len() + composed.len());
            let mut inherited = false;
            for item in &block.items {
                match item {
                    // A second `<base />` is reported by the model; it never runs twice.
                    Item::Base(_) if !inherited => {
                        next.extend(composed.iter().copied());
                        inherited = true;
                    }
                    Item::Base(_) => {}
                    Item::Policy(policy) => next.push(Placed {
                        scope: layer.scope,
                        policy,
                    }),
                }
            }
            composed = next;
        }
        effective.sections.push((section, composed));
    }
    effective
}
