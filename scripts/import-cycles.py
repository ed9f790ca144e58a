#!/usr/bin/env python3
"""Reports file-level import cycles under src/model/: every `super::x` /
`crate::model::x` path in code (use lines and inline paths, comments skipped),
resolved to the file that defines module x."""
import os, re, sys
root = sys.argv[1] if len(sys.argv) > 1 else 'src/model'
root = os.path.normpath(root)
files = {}
for d, _, fs in os.walk(root):
    for f in fs:
        if f.endswith('.rs'):
            files[os.path.join(d, f)] = None

def module_path(path):
    rel = os.path.relpath(path, root)[:-3].split(os.sep)
    if rel[-1] == 'mod':
        rel = rel[:-1]
    return rel  # [] for model/mod.rs

mod_file = {tuple(module_path(p)): p for p in files}

def resolve(segs):
    """longest prefix of segs that is a module file"""
    for n in range(len(segs), -1, -1):
        if tuple(segs[:n]) in mod_file:
            return mod_file[tuple(segs[:n])]
    return None

edges = {p: set() for p in files}
for p in files:
    me = module_path(p)
    is_mod = p.endswith('mod.rs')
    # the module whose `super` a path in this file refers to
    here = me
    text = open(p).read()
    code = '\n'.join(l.split('//')[0] for l in text.split('\n'))
    # expand `use a::{b, c::{d}}` roughly: collect path roots
    for m in re.finditer(r'\b((?:crate::model|super(?:::super)*|self)(?:::[A-Za-z_][A-Za-z0-9_]*)+)', code):
        segs = m.group(1).split('::')
        if segs[0] == 'crate':
            base = []; segs = segs[2:]
        elif segs[0] == 'self':
            base = list(here); segs = segs[1:]
        else:
            ups = 0
            while segs and segs[0] == 'super':
                ups += 1; segs = segs[1:]
            base = list(here)[:max(0, len(here) - ups)]
        # `use super::{a, b}` groups: handled by the brace scan below
        target = resolve(base + segs)
        if target and target != p:
            edges[p].add(target)
    for m in re.finditer(r'\b(crate::model|super(?:::super)*|self)::\{([^;]*?)\};', code, re.S):
        head = m.group(1).split('::')
        if head[0] == 'crate':
            base = []
        elif head[0] == 'self':
            base = list(here)
        else:
            base = list(here)[:max(0, len(here) - len(head))]
        for item in re.findall(r'(?:^|[{,])\s*([A-Za-z_][A-Za-z0-9_]*)', m.group(2)):
            target = resolve(base + [item])
            if target and target != p:
                edges[p].add(target)
    # Paths through a child module (`zipkin::load`, `use sink::Sink`): the
    # `mod x;` line itself is ownership, not an import, but a use of x is.
    children = re.findall(r'^\s*(?:pub(?:\([^)]*\))?\s+)?mod\s+([a-z_][a-z0-9_]*)\s*;', code, re.M)
    for child in children:
        for m in re.finditer(r'(?<![A-Za-z0-9_:])' + child + r'((?:::[A-Za-z_][A-Za-z0-9_]*)+)', code):
            segs = [child] + m.group(1).split('::')[1:]
            target = resolve(list(here) + segs)
            if target and target != p:
                edges[p].add(target)
    # a child module (`use super::…` from formats/x.rs into formats/mod.rs) is an edge like any other.

# Tarjan SCC
index = {}; low = {}; stack = []; on = set(); sccs = []; i = [0]
def strong(v):
    work = [(v, iter(sorted(edges[v])))]
    index[v] = low[v] = i[0]; i[0] += 1; stack.append(v); on.add(v)
    while work:
        node, it = work[-1]
        for w in it:
            if w not in index:
                index[w] = low[w] = i[0]; i[0] += 1; stack.append(w); on.add(w)
                work.append((w, iter(sorted(edges[w]))))
                break
            elif w in on:
                low[node] = min(low[node], index[w])
        else:
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                comp = []
                while True:
                    w = stack.pop(); on.discard(w); comp.append(w)
                    if w == node: break
                if len(comp) > 1:
                    sccs.append(sorted(comp))
for v in sorted(files):
    if v not in index:
        strong(v)
if not sccs:
    print(f'no import cycles among {len(files)} files under {root}')
for c in sccs:
    print('cycle:', ' <-> '.join(os.path.relpath(x, root) for x in c))
    for a in c:
        for b in sorted(edges[a]):
            if b in c:
                print('   ', os.path.relpath(a, root), '->', os.path.relpath(b, root))
sys.exit(1 if sccs else 0)
