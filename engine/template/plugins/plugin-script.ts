// The Python side of the plugin bridge: loads filter_plugins/ and test_plugins/ files, and a collection's
// plugins/filter and plugins/test modules, as Ansible's plugin loader does (each file's
// FilterModule().filters() or TestModule().tests()), lists what they define, and calls one with JSON
// arguments, answering with JSON (a tuple or set as a list; another object as its str()). Lookups run
// through ansible-core's own lookup loader (its built-in ones, lookup_plugins/ directories, collections').

/** The script the controller's Python runs (python -c). */
export const PLUGIN_SCRIPT = String.raw`
import datetime, importlib.util, json, os, sys
from collections.abc import Mapping
# the answers get a descriptor of their own; whatever a plugin prints (print, os.write(1), a subprocess) goes to stderr
out = os.fdopen(os.dup(1), 'w')
os.dup2(2, 1)
sys.stdout = sys.stderr
modules = {}
tables = {}
environment = []

def load(path, module):
    if path not in modules:
        if module:
            mod = importlib.import_module(module)
        else:
            name = 'kplay_jinja_plugin_%d' % len(modules)
            spec = importlib.util.spec_from_file_location(name, path)
            mod = importlib.util.module_from_spec(spec)
            sys.modules[name] = mod
            spec.loader.exec_module(mod)
        modules[path] = mod
    return modules[path]

def table(path, kind, module=None):
    key = (path, kind)
    if module in ('jinja2.filters', 'jinja2.tests'):
        import jinja2.filters, jinja2.tests
        return jinja2.filters.FILTERS if kind == 'filter' else jinja2.tests.TESTS
    if key not in tables:
        cls = getattr(load(path, module), 'FilterModule' if kind == 'filter' else 'TestModule', None)
        got = (cls().filters() if kind == 'filter' else cls().tests()) if cls is not None else {}
        tables[key] = dict(got or {})
    return tables[key]

# what a function asks Jinja for first: its environment (which kplay gives as a plain Jinja one), its
# context or its eval context (which kplay cannot give), or nothing
def wants(fn):
    arg = getattr(fn, 'jinja_pass_arg', None)
    if arg is not None:
        return arg.name
    for attr, what in (('environmentfilter', 'environment'), ('contextfilter', 'context'), ('evalcontextfilter', 'eval_context'), ('contextfunction', 'context')):
        if getattr(fn, attr, False):
            return what
    return None

def EvalContext(env):
    from jinja2.nodes import EvalContext as Made
    return Made(env)

def jinja_environment():
    if not environment:
        import jinja2
        environment.append(jinja2.Environment())
    return environment[0]

def plain(v):
    if isinstance(v, float) and v.is_integer():
        # a whole float stays one (JSON would make 1.0 an int)
        return {'__kplay_float__': v}
    if v is None or isinstance(v, (bool, int, float)):
        return v
    if isinstance(v, str):
        return str(v)
    if isinstance(v, bytes):
        return v.decode('utf-8', 'replace')
    if isinstance(v, Mapping):
        return dict((str(k), plain(x)) for k, x in v.items())
    if isinstance(v, tuple):
        return {'__kplay_tuple__': [plain(x) for x in v]}
    if isinstance(v, (list, set, frozenset)) or hasattr(v, '__next__'):
        return [plain(x) for x in v]
    if isinstance(v, (datetime.date, datetime.time, datetime.timedelta)):
        # kept here, named by a handle: its attributes, methods, arithmetic and comparisons are asked for
        # here (its text alone would fail on .days or .year)
        handles.append(v)
        text = v.isoformat() if hasattr(v, 'isoformat') else str(v)
        return {'__kplay_handle__': len(handles) - 1, 'type': '%s.%s' % (type(v).__module__, type(v).__name__), 'str': str(v), 'repr': repr(v), 'json': text, 'truth': bool(v)}
    return str(v)

handles = []

def revive(v):
    # a handle kplay sends back is the value it names
    if isinstance(v, dict):
        if len(v) == 1 and '__kplay_handle__' in v:
            return handles[v['__kplay_handle__']]
        if len(v) == 1 and '__kplay_float__' in v:
            return float(v['__kplay_float__'])
        return dict((k, revive(x)) for k, x in v.items())
    if isinstance(v, list):
        return [revive(x) for x in v]
    return v

def handle_op(req):
    import operator
    if req['op'] == 'getattr':
        if not hasattr(handles[req['id']], req['name']):
            return {'missing': True}
        got = getattr(handles[req['id']], req['name'])
        return {'method': True} if callable(got) else {'value': plain(got)}
    if req['op'] == 'callattr':
        return plain(getattr(handles[req['id']], req['name'])(*revive(req['args']), **revive(req['kwargs'])))
    ops = {'+': operator.add, '-': operator.sub, '*': operator.mul, '/': operator.truediv, '//': operator.floordiv,
           '%': operator.mod, '**': operator.pow, '==': operator.eq, '!=': operator.ne, '<': operator.lt,
           '<=': operator.le, '>': operator.gt, '>=': operator.ge}
    return plain(ops[req['sym']](revive(req['left']), revive(req['right'])))

def error(e):
    names = [c.__name__ for c in type(e).__mro__]
    msg = getattr(e, 'message', None) if 'AnsibleError' in names else None
    return {'type': type(e).__name__, 'msg': str(msg if msg is not None else e), 'ansible': 'AnsibleError' in names}

finder = []

def collections_importable(paths):
    # Ansible's own collection loader where ansible-core is here (its redirects and namespaces), else plain imports
    if finder:
        return
    try:
        from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder
    except ImportError:
        for p in paths:
            if p not in sys.path:
                sys.path.insert(0, p)
        finder.append(None)
        return
    f = _AnsibleCollectionFinder(paths=paths)
    f._install()
    finder.append(f)

def collection(root, paths, ns, coll, kind, name):
    # a collection's plugins/filter (or plugins/test) package: the module named like the plugin first, then the others
    collections_importable(paths)
    sub = 'filter' if kind == 'filter' else 'test'
    d = os.path.join(root, 'ansible_collections', ns, coll, 'plugins', sub)
    files = sorted(f[:-3] for f in os.listdir(d) if f.endswith('.py') and not f.startswith('_')) if os.path.isdir(d) else []
    ordered = ([name] if name in files else []) + [f for f in files if f != name]
    return first_defining(d, ordered, 'ansible_collections.%s.%s.plugins.%s' % (ns, coll, sub), kind, name)

def first_defining(d, files, package, kind, name):
    # the first of a package's plugin files (in d, in the order given) whose table defines name, with the
    # files that could not load
    broken = []
    for f in files:
        module = '%s.%s' % (package, f)
        path = os.path.join(d, f + '.py')
        try:
            fns = table(path, kind, module)
        except Exception as e:
            broken.append({'file': path, 'error': error(e)})
            continue
        if name in fns:
            return {'file': path, 'module': module, 'wants': wants(fns[name]), 'broken': broken}
    return {'broken': broken}

def builtin(kind, name):
    # Ansible's own filter or test of that name: ansible-core's plugins/filter (or plugins/test) in name
    # order, then Jinja's built-in ones, as Ansible's environment has them
    sub = 'filter' if kind == 'filter' else 'test'
    try:
        pkg = importlib.import_module('ansible.plugins.' + sub)
        d = os.path.dirname(pkg.__file__)
        files = sorted(f[:-3] for f in os.listdir(d) if f.endswith('.py') and not f.startswith('_'))
    except ImportError:
        d, files = '', []
    got = first_defining(d, files, 'ansible.plugins.' + sub, kind, name)
    if 'file' in got:
        return got
    module = 'jinja2.filters' if kind == 'filter' else 'jinja2.tests'
    try:
        fns = table(module, kind, module)
    except ImportError:
        fns = {}
    if name in fns:
        return {'file': module, 'module': module, 'wants': wants(fns[name]), 'broken': got['broken']}
    return got

def lookups(req):
    collections_importable(req['collections'])
    from ansible.plugins.loader import lookup_loader
    for d in req['dirs']:
        lookup_loader.add_directory(d)
    return lookup_loader

def run_lookup(req):
    from ansible.parsing.dataloader import DataLoader
    from ansible.template import Templar
    loader = lookups(req)
    data = DataLoader()
    data.set_basedir(req['basedir'])
    variables = revive(req['variables'])
    plugin = loader.get(req['name'], loader=data, templar=Templar(loader=data, variables=variables))
    if plugin is None:
        raise LookupError('lookup plugin (%s) not found' % req['name'])
    return plugin.run(revive(req['terms']), variables=variables, **revive(req['kwargs']))

def listing(dirs, kind):
    found, broken = [], []
    for d in dirs:
        try:
            files = sorted(f for f in os.listdir(d) if f.endswith('.py') and not f.startswith('_'))
        except OSError:
            continue
        for f in files:
            path = os.path.join(d, f)
            try:
                names = dict((n, wants(fn)) for n, fn in table(path, kind).items())
            except Exception as e:
                broken.append({'file': path, 'error': error(e)})
                continue
            found.append({'file': path, 'names': names})
    return {'found': found, 'broken': broken}

for line in sys.stdin:
    try:
        req = json.loads(line)
        if req['op'] == 'list':
            res = {'ok': listing(req['dirs'], req['kind'])}
        elif req['op'] == 'collection':
            res = {'ok': collection(req['root'], req['collections'], req['ns'], req['coll'], req['kind'], req['name'])}
        elif req['op'] in ('getattr', 'callattr', 'binop'):
            res = {'ok': handle_op(req)}
        elif req['op'] == 'builtin':
            res = {'ok': builtin(req['kind'], req['name'])}
        elif req['op'] == 'now':
            # Ansible's now(utc, fmt) global
            now = datetime.datetime.utcnow() if req['utc'] else datetime.datetime.now()
            res = {'ok': plain(now.strftime(req['fmt']) if req['fmt'] else now)}
        elif req['op'] == 'has_lookup':
            res = {'ok': lookups(req).has_plugin(req['name'])}
        elif req['op'] == 'lookup':
            res = {'ok': plain(run_lookup(req))}
        else:
            fn = table(req['file'], req['kind'], req.get('module'))[req['name']]
            asks = wants(fn)
            # Jinja's environment, or an eval context of it (autoescape off, as Ansible's templar has it)
            first = [jinja_environment()] if asks == 'environment' else [EvalContext(jinja_environment())] if asks == 'eval_context' else []
            res = {'ok': plain(fn(*(first + [revive(req['value'])] + revive(req['args'])), **revive(req['kwargs'])))}
        text = json.dumps(res, allow_nan=False)
    except Exception as e:
        text = json.dumps({'error': error(e)})
    out.write(text + '\n')
    out.flush()
`;
