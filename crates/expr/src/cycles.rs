//! Reference cycles an evaluation can make, and their collection when it ends.
//!
//! Values are reference-counted, and C# code can tie knots that .NET's garbage collector would
//! undo: a lazy query in a local captures the frame that holds it (`var q = list.Where(x => x >
//! n);`), a list is added to itself (`list.Add(list)`). Every such cycle passes through a frame
//! that a closure captured, or through a mutable container (array, list, dictionary, set) that
//! received an object by a mutating call: nothing else is mutable, and an object under
//! construction cannot contain itself. The evaluator notes both as they appear ([`Cycles`]).
//!
//! When the evaluation ends, [`Cycles::collect`] finds which of them are garbage by trial
//! deletion (as CPython's collector does): over the graph reachable from the noted objects, an
//! object whose reference count exceeds the references from inside the graph is held from
//! outside (by a result, a variable, the caller); what such objects reach is live, and the
//! rest can only be reached through cycles. Emptying the frames and containers among the rest
//! breaks every cycle, and their contents are then dropped.

use std::collections::{HashMap, HashSet};
use std::hash::BuildHasherDefault;

use crate::context::Fnv;

/// Addresses hash cheaply; SipHash's flood resistance buys nothing here.
type AddressSet = HashSet<usize, BuildHasherDefault<Fnv>>;
use std::sync::{Arc, Weak};

use crate::value::{Frame, Object, Sequence, Value, lock, read, write};

#[derive(Debug, Default)]
pub struct Cycles {
    /// Addresses of what is noted. A `Weak` keeps its allocation (not its contents), so an
    /// address cannot be reused while it is here.
    seen: AddressSet,
    roots: Vec<Root>,
    /// When to forget entries that died on their own (amortised, so loops stay linear).
    next_compaction: usize,
}

#[derive(Debug)]
enum Root {
    Frame(Weak<Frame>),
    Object(Weak<Object>),
}

impl Root {
    fn address(&self) -> usize {
        match self {
            Root::Frame(weak) => weak.as_ptr() as usize,
            Root::Object(weak) => weak.as_ptr() as usize,
        }
    }

    fn is_alive(&self) -> bool {
        match self {
            Root::Frame(weak) => weak.strong_count() > 0,
            Root::Object(weak) => weak.strong_count() > 0,
        }
    }

    fn upgrade(&self) -> Option<Node> {
        match self {
            Root::Frame(weak) => weak.upgrade().map(Node::Frame),
            Root::Object(weak) => weak.upgrade().map(Node::Object),
        }
    }
}

/// A frame or an object of the graph being collected.
enum Node {
    Frame(Arc<Frame>),
    Object(Arc<Object>),
}

impl Node {
    fn address(&self) -> usize {
        match self {
            Node::Frame(frame) => Arc::as_ptr(frame) as usize,
            Node::Object(object) => Arc::as_ptr(object) as usize,
        }
    }

    fn strong_count(&self) -> usize {
        match self {
            Node::Frame(frame) => Arc::strong_count(frame),
            Node::Object(object) => Arc::strong_count(object),
        }
    }

    /// The frames and objects this one holds a strong reference to, once per reference.
    fn children(&self) -> Vec<Node> {
        let mut values = Vec::new();
        let mut nodes = Vec::new();
        match self {
            Node::Frame(frame) => {
                values.extend(lock(&frame.slots).iter().cloned());
                nodes.extend(frame.parent.clone().map(Node::Frame));
            }
            Node::Object(object) => match &**object {
                Object::Array { items, .. } | Object::List { items, .. } => {
                    values.extend(read(items).iter().cloned());
                }
                Object::Dictionary { entries, .. } => values.extend(
                    read(entries)
                        .values()
                        .flat_map(|(key, value)| [key.clone(), value.clone()]),
                ),
                Object::HashSet { items, .. } => values.extend(read(items).values().cloned()),
                Object::KeyValuePair { key, value, .. } => {
                    values.extend([key.clone(), value.clone()]);
                }
                Object::Anonymous {
                    values: members, ..
                } => values.extend(members.iter().cloned()),
                Object::Grouping { key, items } => {
                    values.push(key.clone());
                    values.extend(items.iter().cloned());
                }
                Object::Matches(items) => values.extend(items.iter().cloned()),
                Object::Closure(closure) => nodes.extend(closure.env.clone().map(Node::Frame)),
                Object::Sequence(sequence) => sequence_values(sequence, &mut values),
                // The rest hold no values. One missed here only makes the collector keep more.
                _ => {}
            },
        }
        nodes.extend(values.into_iter().filter_map(|value| match value {
            Value::Object(object) => Some(Node::Object(object)),
            _ => None,
        }));
        nodes
    }
}

fn sequence_values(sequence: &Sequence, out: &mut Vec<Value>) {
    match sequence {
        Sequence::Select {
            source, selector, ..
        }
        | Sequence::SelectMany { source, selector } => {
            out.extend([source.clone(), selector.clone()])
        }
        Sequence::Where {
            source, predicate, ..
        }
        | Sequence::SkipWhile { source, predicate }
        | Sequence::TakeWhile { source, predicate } => {
            out.extend([source.clone(), predicate.clone()]);
        }
        Sequence::Skip { source, .. }
        | Sequence::Take { source, .. }
        | Sequence::Distinct { source, .. }
        | Sequence::Reverse { source }
        | Sequence::Cast { source, .. }
        | Sequence::OfType { source, .. } => out.push(source.clone()),
        Sequence::Concat { first, second } | Sequence::SetOperation { first, second, .. } => {
            out.extend([first.clone(), second.clone()]);
        }
        Sequence::OrderBy { source, keys } => {
            out.push(source.clone());
            out.extend(keys.iter().map(|(key, _)| key.clone()));
        }
        Sequence::DefaultIfEmpty { source, default } => {
            out.extend([source.clone(), default.clone()]);
        }
        Sequence::Zip {
            first,
            second,
            selector,
        } => out.extend([first.clone(), second.clone(), selector.clone()]),
        Sequence::Repeat { value, .. } => out.push(value.clone()),
        Sequence::GroupBy {
            source,
            key,
            element,
            ..
        } => {
            out.extend([source.clone(), key.clone()]);
            out.extend(element.clone());
        }
        Sequence::Range { .. } | Sequence::Empty => {}
    }
}

impl Cycles {
    /// A closure captured `frame`: it, and every frame above it, may now be in a cycle.
    pub fn note_captured(&mut self, frame: &Arc<Frame>) {
        let mut current = Some(frame);
        while let Some(frame) = current {
            // A noted frame's ancestors were noted with it.
            if !self.seen.insert(Arc::as_ptr(frame) as usize) {
                break;
            }
            self.roots.push(Root::Frame(Arc::downgrade(frame)));
            current = frame.parent.as_ref();
        }
        self.compact_if_due();
    }

    /// A library call on `target` with `arguments` may store one of them in a container.
    #[inline]
    pub fn note_call(&mut self, target: &Value, arguments: &[Value]) {
        if arguments.iter().any(|a| matches!(a, Value::Object(_))) {
            self.note_mutation(target, arguments);
        }
    }

    #[cold]
    fn note_mutation(&mut self, target: &Value, arguments: &[Value]) {
        match target {
            Value::Object(object) => self.note_container(object),
            // A static method (`Array.Copy(from, to, n)`) writes through an argument.
            Value::Null if arguments.len() > 1 => {
                for argument in arguments {
                    if let Value::Object(object) = argument {
                        self.note_container(object);
                    }
                }
            }
            _ => {}
        }
    }

    fn note_container(&mut self, object: &Arc<Object>) {
        let mutable = matches!(
            **object,
            Object::Array { .. }
                | Object::List { .. }
                | Object::Dictionary { .. }
                | Object::HashSet { .. }
        );
        if mutable && self.seen.insert(Arc::as_ptr(object) as usize) {
            self.roots.push(Root::Object(Arc::downgrade(object)));
            self.compact_if_due();
        }
    }

    fn compact_if_due(&mut self) {
        if self.seen.len() < self.next_compaction.max(64) {
            return;
        }
        let seen = &mut self.seen;
        self.roots.retain(|root| {
            let alive = root.is_alive();
            if !alive {
                seen.remove(&root.address());
            }
            alive
        });
        self.next_compaction = self.seen.len() * 2;
    }

    /// Frees the cycles among what was noted. Call it when the evaluation's own frames are gone;
    /// anything still referenced from outside the cycles (the result the caller holds) is kept.
    pub fn collect(&mut self) {
        if self.roots.is_empty() {
            return;
        }
        let roots = std::mem::take(&mut self.roots);
        self.seen.clear();
        let mut nodes: Vec<Node> = roots.iter().filter_map(Root::upgrade).collect();
        drop(roots);
        if nodes.is_empty() {
            return;
        }
        // The graph the noted objects reach: one strong reference per node (held here), and
        // its edges by index.
        let mut index: HashMap<usize, usize> = HashMap::new();
        nodes.retain(|node| index.insert(node.address(), 0).is_none());
        for (i, node) in nodes.iter().enumerate() {
            index.insert(node.address(), i);
        }
        let mut edges: Vec<Vec<usize>> = Vec::new();
        let mut next = 0;
        while next < nodes.len() {
            let children = nodes.get(next).map(Node::children).unwrap_or_default();
            let mut targets = Vec::with_capacity(children.len());
            for child in children {
                let address = child.address();
                let target = match index.get(&address) {
                    Some(&target) => target,
                    None => {
                        index.insert(address, nodes.len());
                        nodes.push(child);
                        nodes.len() - 1
                    }
                };
                targets.push(target);
            }
            edges.push(targets);
            next += 1;
        }
        // References from inside the graph; the rest (less the one held here) are from outside.
        let mut internal = vec![0usize; nodes.len()];
        for target in edges.iter().flatten() {
            if let Some(count) = internal.get_mut(*target) {
                *count += 1;
            }
        }
        let mut live = vec![false; nodes.len()];
        let mut pending: Vec<usize> = nodes
            .iter()
            .zip(&internal)
            .enumerate()
            .filter(|(_, (node, internal))| node.strong_count() > 1 + **internal)
            .map(|(i, _)| i)
            .collect();
        while let Some(i) = pending.pop() {
            if let Some(flag) = live.get_mut(i)
                && !*flag
            {
                *flag = true;
                pending.extend(edges.get(i).into_iter().flatten().copied());
            }
        }
        let mut garbage: Vec<Value> = Vec::new();
        for (node, live) in nodes.iter().zip(&live) {
            if !live {
                empty(node, &mut garbage);
            }
        }
        drop(nodes);
        drop(garbage);
    }
}

/// Takes the contents out of a garbage frame or container (other objects are immutable; every
/// cycle has a frame or a container in it).
fn empty(node: &Node, garbage: &mut Vec<Value>) {
    match node {
        Node::Frame(frame) => garbage.extend(std::mem::take(&mut *lock(&frame.slots))),
        Node::Object(object) => match &**object {
            Object::Array { items, .. } | Object::List { items, .. } => {
                garbage.extend(std::mem::take(&mut *write(items)));
            }
            Object::Dictionary { entries, .. } => {
                let entries = std::mem::take(&mut *write(entries));
                garbage.extend(entries.into_values().flat_map(|(key, value)| [key, value]));
            }
            Object::HashSet { items, .. } => {
                garbage.extend(std::mem::take(&mut *write(items)).into_values());
            }
            _ => {}
        },
    }
}

// ------------------------------------------------------------ deep values

/// Runs `f` with at least 64 KiB of stack, moving to a new 1 MiB segment when less is left.
/// Functions that walk values recursively (rendering, comparing, copying, enumerating nested
/// queries) go through it: a loop can nest values 100,000 deep within the step budget.
#[inline]
pub fn with_stack<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(64 * 1024, 1024 * 1024, f)
}

// ------------------------------------------------------------ deep drops

/// Whether a drop should hand its children to [`defer`] instead of letting them drop
/// recursively: only when the stack is running out, so that ordinary values pay one check.
#[inline]
pub fn stack_is_low() -> bool {
    stacker::remaining_stack().is_none_or(|remaining| remaining < 256 * 1024)
}

/// What a dropped object or frame held that is itself an object or a frame, dropped later by
/// the outermost drop on this thread rather than by recursion: a loop can build a chain of
/// nested lists or queries 100,000 deep, and dropping it recursively would overflow the stack.
#[derive(Default)]
struct Deferred {
    values: Vec<Value>,
    frames: Vec<Arc<Frame>>,
    tokens: Vec<crate::json::JToken>,
}

impl Deferred {
    fn is_empty(&self) -> bool {
        self.values.is_empty() && self.frames.is_empty() && self.tokens.is_empty()
    }
}

/// Drops a JSON container's children (see [`Deferred`]).
pub fn defer_tokens(tokens: Vec<crate::json::JToken>) {
    defer(Deferred {
        tokens,
        ..Deferred::default()
    });
}

thread_local! {
    static DRAINING: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static DEFERRED: std::cell::RefCell<Deferred> = const {
        std::cell::RefCell::new(Deferred {
            values: Vec::new(),
            frames: Vec::new(),
            tokens: Vec::new(),
        })
    };
}

fn defer(mut children: Deferred) {
    children
        .values
        .retain(|value| matches!(value, Value::Object(_)));
    if children.is_empty() {
        return;
    }
    if DRAINING.get() {
        DEFERRED.with_borrow_mut(|deferred| {
            deferred.values.append(&mut children.values);
            deferred.frames.append(&mut children.frames);
            deferred.tokens.append(&mut children.tokens);
        });
        return;
    }
    DRAINING.set(true);
    let mut pending = children;
    loop {
        // Each drop here defers what it held instead of recursing.
        while let Some(value) = pending.values.pop() {
            drop(value);
        }
        while let Some(frame) = pending.frames.pop() {
            drop(frame);
        }
        while let Some(token) = pending.tokens.pop() {
            drop(token);
        }
        pending = DEFERRED.with_borrow_mut(std::mem::take);
        if pending.is_empty() {
            break;
        }
    }
    DRAINING.set(false);
}

impl Drop for Frame {
    fn drop(&mut self) {
        if !stack_is_low() {
            return;
        }
        // Parents are as deep as lambdas nest in the source, which the parser bounds.
        let slots = self.slots.get_mut().unwrap_or_else(|e| e.into_inner());
        if slots.iter().any(|slot| matches!(slot, Value::Object(_))) {
            defer(Deferred {
                values: std::mem::take(slots).into_vec(),
                ..Deferred::default()
            });
        }
    }
}

impl Drop for Object {
    fn drop(&mut self) {
        if !stack_is_low() {
            return;
        }
        let mut children = Deferred::default();
        let values = &mut children.values;
        match self {
            Object::Array { items, .. } | Object::List { items, .. } => {
                *values = std::mem::take(items.get_mut().unwrap_or_else(|e| e.into_inner()));
            }
            Object::Dictionary { entries, .. } => values.extend(
                std::mem::take(entries.get_mut().unwrap_or_else(|e| e.into_inner()))
                    .into_values()
                    .flat_map(|(key, value)| [key, value]),
            ),
            Object::HashSet { items, .. } => values.extend(
                std::mem::take(items.get_mut().unwrap_or_else(|e| e.into_inner())).into_values(),
            ),
            Object::KeyValuePair { key, value, .. } => {
                values.extend([take_value(key), take_value(value)]);
            }
            Object::Anonymous {
                values: members, ..
            } => values.append(members),
            Object::Grouping { key, items } => {
                values.push(take_value(key));
                values.append(items);
            }
            Object::Matches(items) => values.append(items),
            Object::Closure(closure) => children.frames.extend(closure.env.take()),
            Object::Sequence(sequence) => take_sequence_values(sequence, values),
            _ => return,
        }
        defer(children);
    }
}

fn take_value(value: &mut Value) -> Value {
    std::mem::replace(value, Value::Null)
}

fn take_sequence_values(sequence: &mut Sequence, out: &mut Vec<Value>) {
    let take = take_value;
    match sequence {
        Sequence::Select {
            source, selector, ..
        }
        | Sequence::SelectMany { source, selector } => out.extend([take(source), take(selector)]),
        Sequence::Where {
            source, predicate, ..
        }
        | Sequence::SkipWhile { source, predicate }
        | Sequence::TakeWhile { source, predicate } => {
            out.extend([take(source), take(predicate)]);
        }
        Sequence::Skip { source, .. }
        | Sequence::Take { source, .. }
        | Sequence::Distinct { source, .. }
        | Sequence::Reverse { source }
        | Sequence::Cast { source, .. }
        | Sequence::OfType { source, .. } => out.push(take(source)),
        Sequence::Concat { first, second } | Sequence::SetOperation { first, second, .. } => {
            out.extend([take(first), take(second)]);
        }
        Sequence::OrderBy { source, keys } => {
            out.push(take(source));
            out.extend(keys.drain(..).map(|(key, _)| key));
        }
        Sequence::DefaultIfEmpty { source, default } => out.extend([take(source), take(default)]),
        Sequence::Zip {
            first,
            second,
            selector,
        } => out.extend([take(first), take(second), take(selector)]),
        Sequence::Repeat { value, .. } => out.push(take(value)),
        Sequence::GroupBy {
            source,
            key,
            element,
            ..
        } => {
            out.extend([take(source), take(key)]);
            out.extend(element.take());
        }
        Sequence::Range { .. } | Sequence::Empty => {}
    }
}
