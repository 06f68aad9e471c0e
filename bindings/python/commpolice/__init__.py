"""Python bindings of libcommpolice (standard library only: ctypes).

    import commpolice
    with commpolice.open("memory:") as ctx:
        system = ctx.actor_system()
        bureau = ctx.area_create(system, None, commpolice.CPOL_AREA_BUREAU, "临翔分局")
        for row in ctx.area_iter(bureau, commpolice.CPOL_AREA_WALK_DESCENDANTS):
            print(row["name"])

Everything here is driven by the generated declarations in _capi.py
(bindings/tools/gen_python.py, from bindings/api.json), so a function added
to the C headers appears here once the generator is re-run:

- every C function whose first parameter is a handle becomes a method of that
  handle's class (cpol_area_create(ctx, ...) -> Context.area_create(...),
  cpol_actor_can(actor, p) -> Actor.can(p)); the others are module functions
  (cpol_role_name -> commpolice.role_name);
- the parameters a call writes (`T **out`, `*_out`, @param[out]) are not
  passed: they are returned (one value, or a tuple in parameter order);
  functions documented to return a non-error outcome (#CPOL_ALREADY) return
  the status first: ``status, amount = ctx.shop_redeem(...)``;
- a negative status raises the exception class of that code (one per code:
  commpolice.ENOTFOUND, commpolice.EPERM, ...; all derive from
  commpolice.Error and carry .code, .name and .message);
- cpol_id is uuid.UUID (strings are accepted), cpol_time is an aware UTC
  datetime (ints of milliseconds are accepted; "no time" values, <= 0, read
  as None), strings are str;
- options/fields/filter structs are given as keyword arguments or a dict
  (ctx.person_register(actor, name=..., id_card=..., home_area=...));
- `*_iter_new` functions return Python iterators (ctx.person_iter(...));
  items that are snapshots come as dict rows keyed by the snapshot's getters,
  so csv.DictWriter and pandas.DataFrame take them as they are;
- objects returned by the library (Context, Actor, Person, iterators...) have
  close(), work as context managers, are closed by the garbage collector
  otherwise, and keep the object they came from alive.
"""

import contextlib
import ctypes
import datetime as _dt
import keyword as _keyword
import threading
import uuid as _uuid

from . import _capi
from ._capi import *  # noqa: F401,F403  (CPOL_* constants, IntEnum classes)

__all__ = ["Error", "ClosedError", "Handle", "Snapshot", "Iterator", "Context", "open", "row_fields",
           "library_path", "library_version"]

_lib = _capi.load()

EPOCH = _dt.datetime(1970, 1, 1, tzinfo=_dt.timezone.utc)

# C function -> [(kind, attribute path, note)]: where the bindings expose it
# (see _exposure(); kind is "function", "method", "property", "close",
# "next", "row" or "internal").
_EXPOSED = {}


def _expose(cname, kind, path, note=""):
    _EXPOSED.setdefault(cname, []).append((kind, path, note))


def library_path():
    """The path of the libcommpolice shared library in use."""
    return _lib.cpol_path


def library_version():
    """The run-time library version string (cpol_version_string())."""
    return _lib.cpol_version_string().decode("utf-8")


# ---------------------------------------------------------------------------
# errors: one class per negative status code, generated from the status enum
# ---------------------------------------------------------------------------

class Error(Exception):
    """A libcommpolice call failed. .code is the negative status, .name its
    symbolic name ("CPOL_ENOTFOUND"), .message the library's message from
    cpol_error_message() read right after the failing call, .function the C
    function."""

    code = None
    name = None

    def __init__(self, message, code=None, function=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if self.code is not None:
            self.name = _lib.cpol_status_name(self.code).decode("utf-8")
        self.function = function

    def __str__(self):
        return self.message

    def __repr__(self):
        return "%s(%r, code=%r)" % (type(self).__name__, self.message, self.code)


class ClosedError(ValueError):
    """An object was used after close() (like I/O on a closed file)."""


# Optional extra bases, so that generic handlers catch the obvious cases.
_MIXINS = {
    "CPOL_ENOMEM": (MemoryError,),
    "CPOL_ENOTFOUND": (LookupError,),
    "CPOL_EINVALID": (ValueError,),
    "CPOL_EUTF8": (ValueError,),
    "CPOL_ETOOLONG": (ValueError,),
}

ERRORS = {}
if _capi.STATUS_ENUM is not None:
    for _member in _capi.STATUS_ENUM:
        if _member.value >= 0:
            continue
        _cname = "CPOL_" + _member.name
        _cls = type(_member.name, (Error,) + _MIXINS.get(_cname, ()), {
            "code": int(_member.value),
            "__doc__": "%s (%d): %s" % (_cname, _member.value,
                                        _lib.cpol_strerror(_member.value).decode("utf-8")),
            "__module__": __name__,
        })
        _cls.name = _cname
        globals()[_member.name] = _cls
        __all__.append(_member.name)
        ERRORS[int(_member.value)] = _cls


def _raise(rc, cname):
    message = _lib.cpol_error_message().decode("utf-8", "replace")
    raise ERRORS.get(rc, Error)(message, rc, cname)


_DONE = getattr(_capi, "CPOL_DONE", 1)
_ETOOLONG = getattr(_capi, "CPOL_ETOOLONG", None)
_expose("cpol_error_message", "internal", "", "the message of every raised Error")

# ---------------------------------------------------------------------------
# value conversions
# ---------------------------------------------------------------------------


def _id_in(value, keep):
    """uuid.UUID, its text form, 16 bytes, or None -> pointer to cpol_id."""
    if value is None:
        return None
    if isinstance(value, _capi.cpol_id):
        keep.append(value)
        return ctypes.pointer(value)
    if isinstance(value, _uuid.UUID):
        raw = value.bytes
    elif isinstance(value, (bytes, bytearray)) and len(value) == 16:
        raw = bytes(value)
    elif isinstance(value, str):
        raw = _uuid.UUID(value).bytes
    else:
        raise TypeError("an id must be a uuid.UUID, its text or 16 bytes, not %s" % type(value).__name__)
    cid = _capi.cpol_id()
    ctypes.memmove(cid.bytes, raw, 16)
    keep.append(cid)
    return ctypes.pointer(cid)


def _id_out(cid):
    return _uuid.UUID(bytes=bytes(cid.bytes))


def _time_in(value):
    if value is None:
        return 0
    if isinstance(value, _dt.datetime):
        if value.tzinfo is None:
            raise ValueError("naive datetime: give a timezone (times are UTC)")
        delta = value - EPOCH
        return (delta.days * 86400 + delta.seconds) * 1000 + delta.microseconds // 1000
    if isinstance(value, _dt.timedelta):
        return int(value.total_seconds() * 1000)
    return int(value)


def _time_out(ms):
    if ms is None or ms <= 0:
        return None
    return EPOCH + _dt.timedelta(milliseconds=ms)


def _str_in(value):
    if value is None:
        return None
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    raise TypeError("expected str, not %s" % type(value).__name__)


def _str_out(raw):
    return None if raw is None else raw.decode("utf-8", "replace")


def _scalar_out(value, t, is_bool=False):
    if is_bool:
        return bool(value)
    if t.get("alias") == "cpol_time":
        return _time_out(value)
    return value


def _scalar_in(value, t):
    if t.get("alias") == "cpol_time":
        return _time_in(value)
    if t.get("kind") == "float":
        return float(value)
    if isinstance(value, bool):
        return int(value)
    try:
        return int(value)
    except (TypeError, ValueError):
        raise TypeError("expected an integer, not %s" % type(value).__name__) from None


def _callback_in(name, func, keep):
    """A Python callable as a C callback. Payload (void *) arguments are not
    passed to Python; a cpol_time result may be a datetime."""
    cbtype, ret, params = _capi.CALLBACKS[name]
    if isinstance(func, cbtype):
        keep.append(func)
        return func

    if name == "cpol_key_cb":
        return _key_callback(func, cbtype, keep)

    def trampoline(*args):
        pyargs = [a for a, t in zip(args, params) if not (t.get("kind") == "void" and t.get("ptr"))]
        try:
            result = func(*pyargs)
            if ret.get("alias") == "cpol_time":
                return _time_in(result)
            return result if ret.get("kind") != "void" else None
        except Exception as e:  # noqa: BLE001  (reported through the C call that asked)
            # A callback that raises must not hand C an undefined value: -1
            # is the documented "the callback failed" (the clock's call then
            # fails with CPOL_EUSER, nothing stored).
            _CALLBACK_ERRORS.append(e)
            return -1 if ret.get("kind") != "void" else None

    cfunc = cbtype(trampoline)
    keep.append(cfunc)
    return cfunc


_CALLBACK_ERRORS = []  # exceptions raised inside callbacks, newest last (for messages)


def _key_callback(source, cbtype, keep):
    """The key option: 32 bytes (the key of every key id asked for), or a
    callable key_id -> 32 bytes (None or an exception: no such key)."""
    if isinstance(source, (bytes, bytearray)):
        fixed = bytes(source)
        if len(fixed) != _capi.CPOL_KEY_LEN:
            raise ValueError("a key is %d bytes, not %d" % (_capi.CPOL_KEY_LEN, len(fixed)))
        source = lambda key_id: fixed  # noqa: E731

    def trampoline(payload, key_id, out):
        try:
            key = source(key_id.decode("utf-8"))
        except Exception as e:  # noqa: BLE001
            _CALLBACK_ERRORS.append(e)
            return -1
        if not isinstance(key, (bytes, bytearray)) or len(key) != _capi.CPOL_KEY_LEN:
            return -1
        ctypes.memmove(out, bytes(key), _capi.CPOL_KEY_LEN)
        return 0

    cfunc = cbtype(trampoline)
    keep.append(cfunc)
    return cfunc


def make_struct(name, values=None, **fields):
    """Build a transparent struct (options, fields, filters) from a dict or
    keyword arguments, starting from its *_INIT defaults with the version set
    to the one these bindings were generated for. Ids take uuid.UUID/str,
    times datetime/int, strings str, callbacks Python callables. A field
    named like a Python keyword (cpol_leaderboard_filter.from) may be given
    with a trailing underscore (from_=...), as keyword parameters are."""
    cls, info = _capi.STRUCTS[name]
    known = dict(info["fields"])
    merged = {}
    for key, value in list((values or {}).items()) + list(fields.items()):
        if key not in known and key.endswith("_") and _keyword.iskeyword(key[:-1]) and key[:-1] in known:
            key = key[:-1]
        merged[key] = value
    s = cls()
    keep = []
    for fname, default in (info.get("defaults") or {}).items():
        if default is not None:
            setattr(s, fname, default)
    if info.get("version_macro"):
        s.version = getattr(_capi, info["version_macro"])
    for key, value in merged.items():
        if key not in known:
            raise TypeError("%s has no field %r (fields: %s)" % (name, key, ", ".join(known)))
        t = known[key]
        kind, ptr = t.get("kind"), t.get("ptr", 0)
        if value is None:
            if ptr or kind == "callback":
                setattr(s, key, None)
                continue
        if kind == "struct" and ptr == 1 and t.get("name") == "cpol_id":
            setattr(s, key, _id_in(value, keep))
        elif kind == "struct" and ptr == 1:
            sub = value if isinstance(value, ctypes.Structure) else make_struct(t["name"], value)
            keep.append(sub)
            setattr(s, key, ctypes.pointer(sub))
        elif kind == "char" and ptr == 1:
            setattr(s, key, _str_in(value))
        elif kind == "callback" and ptr == 0:
            setattr(s, key, _callback_in(t["name"], value, keep))
        elif _field_support(t) is None:
            setattr(s, key, _scalar_in(value, t))
        else:
            raise TypeError("%s.%s cannot be set from Python: %s" % (name, key, _field_support(t)))
    s._cpol_keep = keep  # keeps ids, strings and callbacks alive with the struct
    return s


def _struct_in(name, value, keep):
    if value is None:
        return None
    if name == "cpol_id":
        return _id_in(value, keep)
    cls = _capi.STRUCTS[name][0]
    if isinstance(value, cls):
        s = value
    elif isinstance(value, dict):
        s = make_struct(name, value)
    else:
        raise TypeError("expected a dict or %s, not %s" % (name, type(value).__name__))
    keep.append(s)
    return ctypes.pointer(s)


def _struct_out(name, value):
    if name == "cpol_id":
        return _id_out(value)
    return value


# ---------------------------------------------------------------------------
# handles
# ---------------------------------------------------------------------------

CLASSES = {}        # C handle type -> Python class
_ROW_GETTERS = {}   # C handle type -> [(key, function name)]


def _class_name(ctype):
    if ctype in CLASSES:
        return CLASSES[ctype].__name__
    base = ctype[len("cpol_"):] if ctype.startswith("cpol_") else ctype
    return "".join(p.capitalize() for p in base.split("_"))


class Handle:
    """Base of every libcommpolice object wrapper. close() frees the C object
    (the garbage collector does it otherwise); using a closed object raises
    ClosedError. The object this one came from (the context of an iterator)
    is kept alive as long as this one lives."""

    _ctype = None
    _dtor = None
    fields = ()

    def __init__(self, *args, **kwargs):
        raise TypeError("%s objects are created by the library" % type(self).__name__)

    @classmethod
    def _wrap(cls, ptr, parent=None, keep=()):
        self = cls.__new__(cls)
        self._ptr = ptr
        self._parent = parent  # keeps the object this one came from alive
        self._keep = list(keep)
        return self

    @property
    def closed(self):
        return getattr(self, "_ptr", None) is None

    def _handle(self):
        ptr = getattr(self, "_ptr", None)
        if ptr is None:
            raise ClosedError("attempt to use closed commpolice.%s" % self._ctype[len("cpol_"):])
        return ptr

    @property
    def _as_parameter_(self):
        return self._handle()

    def close(self):
        """Free the C object; a second close() does nothing."""
        ptr = getattr(self, "_ptr", None)
        if ptr is None:
            return None
        self._ptr = None
        self._keep = []
        if self._dtor is None:
            return None
        rc = getattr(_lib, self._dtor)(ptr)
        if _capi.SPECS[self._dtor]["returns"]["pass"] == "status" and rc is not None and rc < 0:
            _raise(rc, self._dtor)
        return None

    def __enter__(self):
        self._handle()
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown, or a failing close
            pass

    def __repr__(self):
        state = "closed" if self.closed else "0x%x" % (self._ptr.value or 0)
        return "<commpolice.%s %s>" % (type(self).__name__, state)


class Snapshot(Handle):
    """Base of the classes of handles with getters (Person, Area, Actor...):
    each getter is a property, row() gives them all as a dict, and the object
    reads like a read-only mapping (dict(obj), obj["name"])."""

    def row(self):
        """The getters of this object as a dict (what iterators yield)."""
        return _row(self._ctype, self._handle())

    def keys(self):
        return list(self.fields)

    def __getitem__(self, key):
        if key not in self.fields:
            raise KeyError(key)
        return self.row()[key]


class Context(Handle):
    """A library context (cpol_ctx): one open storage. Open it with
    commpolice.open(uri, **options) or Context(uri, **options); options are
    the fields of cpol_open_options (flags, busy_timeout_ms, clock: a
    callable returning a datetime or milliseconds)."""

    _ctype = "cpol_ctx"

    def __new__(cls, uri=None, options=None, **kwargs):
        if uri is None:
            return super().__new__(cls)
        return open(uri, options, **kwargs)

    def __init__(self, uri=None, options=None, **kwargs):
        pass

    @contextlib.contextmanager
    def batch(self):
        """`with ctx.batch():` commits the writes together at the end, or rolls
        them back if the block raises."""
        self.batch_begin()
        try:
            yield self
        except BaseException:
            if not self.closed and self.batch_active():
                self.batch_rollback()
            raise
        else:
            self.batch_commit()


CLASSES["cpol_ctx"] = Context


class Iterator(Handle):
    """Base of the iterator classes (every cpol_*_iter). Iterating frees the
    C iterator at the end; .outputs holds the other values its constructor
    returned (for example a statement's opening balance)."""

    _next = None
    _items = ()
    outputs = None

    def __iter__(self):
        return self

    def __next__(self):
        ptr = getattr(self, "_ptr", None)
        if ptr is None:
            raise StopIteration
        spec = _capi.SPECS[self._next]
        outs = []
        args = [ptr]
        for p in spec["params"][1:]:
            holder = _out_holder(p)
            outs.append((p, holder))
            args.append(ctypes.byref(holder))
        rc = getattr(_lib, self._next)(*args)
        if rc == _DONE:
            self.close()
            raise StopIteration
        if rc < 0:
            _raise(rc, self._next)
        values = [_out_value(p, h, self) for p, h in outs]
        return values[0] if len(values) == 1 else tuple(values)


def _row(ctype, ptr):
    row = {}
    for key, fname in _ROW_GETTERS.get(ctype, ()):
        row[key] = _convert_return(_capi.SPECS[fname], getattr(_lib, fname)(ptr), fname)
    return row


def row_fields(ctype):
    """The keys of the dict rows of a C handle type ("cpol_person") or of the
    items of an iterator type ("cpol_person_iter"): the csv fieldnames."""
    for it in _capi.ITERATORS:
        if it["type"] == ctype and len(it["items"]) == 1 and it["items"][0]["pass"] == "out_borrowed_handle":
            ctype = it["items"][0]["type"]
    return [key for key, _ in _ROW_GETTERS.get(ctype, ())]


# ---------------------------------------------------------------------------
# calls
# ---------------------------------------------------------------------------

def _out_holder(p):
    t = p["type"]
    kind, pas = t.get("kind"), p["pass"]
    if pas == "out_handle" or pas == "out_borrowed_handle":
        return _capi.HANDLES[t["name"]]()
    if pas == "out_struct":
        return _capi.STRUCTS[t["name"]][0]()
    if pas == "out_borrowed_struct":
        return ctypes.POINTER(_capi.STRUCTS[t["name"]][0])()
    if pas == "out_scalar":
        return _eval_ctype(t)()
    if pas == "out_borrowed_string":
        return ctypes.c_char_p()
    if pas == "out_owned_string":
        return ctypes.c_void_p()
    raise TypeError("no holder for %s (%s)" % (p["name"], pas))


_CTYPE_NAMES = {
    "int": ctypes.c_int, "uint": ctypes.c_uint, "int8": ctypes.c_int8, "int16": ctypes.c_int16,
    "int32": ctypes.c_int32, "int64": ctypes.c_int64, "uint8": ctypes.c_uint8, "uint16": ctypes.c_uint16,
    "uint32": ctypes.c_uint32, "uint64": ctypes.c_uint64, "long": ctypes.c_long, "ulong": ctypes.c_ulong,
    "size": ctypes.c_size_t, "ssize": ctypes.c_ssize_t, "bool": ctypes.c_bool,
    "float": ctypes.c_float, "double": ctypes.c_double,
}


def _eval_ctype(t):
    return _CTYPE_NAMES[t.get("ctype", "int")]


def _out_value(p, holder, parent):
    pas, t = p["pass"], p["type"]
    if pas == "out_handle":
        if not holder.value:
            return None
        cls = CLASSES.get(t["name"], Handle)
        return cls._wrap(holder, parent)
    if pas == "out_borrowed_handle":
        return _row(t["name"], holder) if holder.value else None
    if pas == "out_struct":
        return _struct_out(t["name"], holder)
    if pas == "out_borrowed_struct":
        return _struct_out(t["name"], holder.contents) if holder else None
    if pas == "out_scalar":
        return _scalar_out(holder.value, t, p.get("bool"))
    if pas == "out_borrowed_string":
        return _str_out(holder.value)
    if pas == "out_owned_string":
        if not holder.value:
            return None
        try:
            return ctypes.string_at(holder.value).decode("utf-8", "replace")
        finally:
            _lib.cpol_free(holder)
    raise TypeError(pas)


def _convert_return(spec, value, cname):
    r = spec["returns"]
    pas = r["pass"]
    if pas == "void":
        return None
    if pas == "bool":
        return bool(value)
    if pas == "scalar":
        return _scalar_out(value, r)
    if pas == "string":
        return _str_out(value)
    if pas == "borrowed_struct":
        return _struct_out(r["name"], value.contents) if value else None
    if pas == "borrowed_handle":
        return _row(r["name"], value) if value else None
    raise TypeError("%s: return %s" % (cname, pas))


def _param_key(name):
    return name + "_" if name in ("as", "from", "in", "is", "not", "and", "or", "if", "else", "for",
                                  "while", "with", "class", "def", "return", "import", "global",
                                  "lambda", "pass", "raise", "try", "yield", "del", "assert",
                                  "break", "continue", "except", "finally", "nonlocal", "async",
                                  "await", "elif", "None", "True", "False") else name


def _make_call(cname, spec, bound):
    """A Python callable for the C function `cname`; `bound` means the first
    parameter is the receiver (a method)."""
    cfunc = getattr(_lib, cname)
    params = spec["params"]
    inputs = [p for p in params if p["pass"].startswith("in_") and p["pass"] != "in_buffer_size"]
    if bound:
        inputs = inputs[1:]
    struct_params = [p for p in inputs if p["pass"] == "in_struct" and p["type"].get("name") != "cpol_id"]
    field_target = struct_params[0] if len(struct_params) == 1 else None
    keys = [_param_key(p["name"]) for p in inputs]
    is_iter = spec.get("returns", {}).get("pass") == "status" and any(
        p["pass"] == "out_handle" and _capi.HANDLE_INFO.get(p["type"]["name"], {}).get("iterator")
        for p in params)
    positive = bool(spec.get("positive_status"))
    rpass = spec["returns"]["pass"]
    # out_buffers whose call reports the size it needs (needed_param): on
    # CPOL_ETOOLONG the buffer grows to that size and the call is repeated.
    index = {p["name"]: i for i, p in enumerate(params)}
    growable = [(i, index[p["size_param"]], index[p["needed_param"]]) for i, p in enumerate(params)
                if p["pass"] == "out_buffer" and p.get("needed_param") in index]

    def call(*args, **kwargs):
        if bound:
            receiver, args = args[0], args[1:]
            if not isinstance(receiver, Handle) or receiver._ctype != params[0]["type"]["name"]:
                raise TypeError("%s needs a commpolice.%s" % (call.__name__, _class_name(params[0]["type"]["name"])))
        else:
            receiver = None
        if len(args) > len(inputs):
            raise TypeError("%s takes %d arguments (%d given)" % (call.__name__, len(inputs), len(args)))
        values = dict(zip(keys, args))
        fields = {}
        for k, v in kwargs.items():
            if k in keys:
                if k in values:
                    raise TypeError("%s got multiple values for %r" % (call.__name__, k))
                values[k] = v
            elif field_target is not None:
                fields[k] = v
            else:
                raise TypeError("%s got an unexpected keyword argument %r" % (call.__name__, k))
        if fields:
            fk = _param_key(field_target["name"])
            base = values.get(fk)
            if isinstance(base, ctypes.Structure):
                raise TypeError("give %s either as a struct or as keyword fields" % fk)
            merged = dict(base or {})
            merged.update(fields)
            values[fk] = merged
        keep = []
        cargs = []
        outs = []
        holders = {}
        buffers = {}
        for p in params:
            pas, t = p["pass"], p["type"]
            if bound and p is params[0]:
                cargs.append(receiver._handle())
                continue
            if pas == "in_buffer_size":
                cargs.append(None)  # filled below
                continue
            if pas.startswith("out_"):
                if pas == "out_buffer":
                    size = getattr(_capi, p.get("capacity", ""), None) or 1024
                    buf = ctypes.create_string_buffer(size)
                    buffers[p["size_param"]] = size
                    outs.append((p, buf))
                    cargs.append(buf)
                else:
                    holder = _out_holder(p)
                    holders[p["name"]] = holder
                    outs.append((p, holder))
                    cargs.append(ctypes.byref(holder))
                continue
            key = _param_key(p["name"])
            if key not in values:
                if pas in ("in_scalar",):
                    raise TypeError("%s missing required argument %r" % (call.__name__, key))
                value = None
            else:
                value = values[key]
            if pas == "in_scalar":
                cargs.append(_scalar_in(value, t))
            elif pas == "in_string":
                cargs.append(_str_in(value))
            elif pas == "in_handle":
                if value is None:
                    cargs.append(None)
                elif isinstance(value, Handle):
                    if value._ctype != t["name"]:
                        raise TypeError("%s: %s must be a commpolice.%s, not %s" % (call.__name__, key,
                                                                         _class_name(t["name"]),
                                                                         type(value).__name__))
                    cargs.append(value._handle())
                elif isinstance(value, _capi.HANDLES[t["name"]]):
                    cargs.append(value)
                else:
                    raise TypeError("%s: %s must be a commpolice.%s" % (call.__name__, key, _class_name(t["name"])))
            elif pas == "in_struct":
                cargs.append(_struct_in(t["name"], value, keep))
            elif pas == "in_pointer":
                cargs.append(value)
            else:
                raise TypeError("%s: parameter %s cannot be passed (%s)" % (cname, key, pas))
        for i, p in enumerate(params):
            if p["pass"] == "in_buffer_size":
                cargs[i] = buffers.get(p["name"], 0)
        rc = cfunc(*cargs)
        for _ in range(3 if growable else 0):
            if rc != _ETOOLONG:
                break
            grown = {}
            for bi, si, ni in growable:
                needed = holders[params[ni]["name"]].value
                if needed > cargs[si]:
                    grown[params[bi]["name"]] = cargs[bi] = ctypes.create_string_buffer(needed)
                    cargs[si] = needed
            if not grown:
                break
            outs = [(p, grown.get(p["name"], h)) for p, h in outs]
            rc = cfunc(*cargs)
        if rpass != "status":
            return _convert_return(spec, rc, cname)
        if rc < 0:
            _raise(rc, cname)
        parent = receiver  # new objects keep the object they came from alive
        results = []
        for p, holder in outs:
            if p["pass"] == "out_buffer":
                results.append(holder.value.decode("utf-8", "replace"))
            elif p["pass"] == "out_handle":
                obj = _out_value(p, holder, parent)
                if obj is not None:
                    obj._keep.extend(keep)
                results.append(obj)
            else:
                results.append(_out_value(p, holder, parent))
        if is_iter:
            iterator = [r for r in results if isinstance(r, Iterator)]
            if iterator:
                others = {}
                for (p, _), r in zip(outs, results):
                    if r is not iterator[0]:
                        others[p["name"][:-4] if p["name"].endswith("_out") else p["name"]] = r
                iterator[0].outputs = others
                return iterator[0]
        if positive:
            status = _capi.STATUS_ENUM(rc) if _capi.STATUS_ENUM is not None else rc
            return (status,) + tuple(results) if results else status
        if not results:
            return None
        return results[0] if len(results) == 1 else tuple(results)

    call.__name__ = spec.get("method") or cname
    sig = ", ".join(keys)
    doc = spec.get("doc") or ""
    call.__doc__ = "%s(%s)\n\nC: %s\n\n%s" % (call.__name__, sig, cname, doc)
    return call


# ---------------------------------------------------------------------------
# wiring: classes, methods, getters, iterators, module functions
# ---------------------------------------------------------------------------

def _wire():
    g = globals()
    # classes for every handle type
    for ctype, info in _capi.HANDLE_INFO.items():
        if ctype in CLASSES:
            cls = CLASSES[ctype]
        else:
            if info.get("iterator"):
                base = Iterator
            elif info.get("getters"):
                base = Snapshot
            else:
                base = Handle
            cls = type(_class_name(ctype), (base,), {"__module__": __name__, "__doc__":
                       (_capi.HANDLES[ctype].__doc__ or "").replace("Pointer to the opaque", "The")})
            CLASSES[ctype] = cls
            g[cls.__name__] = cls
            __all__.append(cls.__name__)
        cls._ctype = ctype
        cls._dtor = info.get("dtor")
        if info.get("dtor"):
            _expose(info["dtor"], "close", cls.__name__ + ".close", "also on garbage collection and __exit__")
        getters = info.get("getters", {})
        _ROW_GETTERS[ctype] = list(getters.items())
        cls.fields = tuple(getters)
        for key, fname in getters.items():
            if hasattr(Snapshot, key) or hasattr(cls, key):
                _expose(fname, "row", cls.__name__ + ".row", "key %r" % key)
                continue

            def getter(self, _f=fname):
                return _convert_return(_capi.SPECS[_f], getattr(_lib, _f)(self._handle()), _f)

            getter.__name__ = key
            setattr(cls, key, property(getter, doc=_capi.SPECS[fname].get("doc")))
            _expose(fname, "property", "%s.%s" % (cls.__name__, key), "also row key %r" % key)
    for it in _capi.ITERATORS:
        cls = CLASSES[it["type"]]
        cls._next = it["next"]
        cls._items = it["items"]
        if len(it["items"]) == 1 and it["items"][0]["pass"] == "out_borrowed_handle":
            cls.fields = tuple(row_fields(it["items"][0]["type"]))
            _expose(it["next"], "next", cls.__name__ + ".__next__", "yields %s rows" % it["items"][0]["type"])
        else:
            _expose(it["next"], "next", cls.__name__ + ".__next__")
    # methods and module functions
    for cname, spec in _capi.SPECS.items():
        if spec.get("unsupported"):
            continue
        role = spec.get("role")
        if role in ("dtor", "getter", "iter_next"):
            continue
        if any(p["pass"] == "in_pointer" for p in spec["params"]):
            continue  # raw memory (cpol_free): used internally only
        recv = spec.get("receiver")
        name = spec["method"]
        if recv:
            cls = CLASSES[recv]
            if hasattr(Snapshot, name) and name not in ("close",):
                name = name + "_"
            setattr(cls, name, _make_call(cname, spec, True))
            _expose(cname, "method", "%s.%s" % (cls.__name__, name))
        else:
            if name in g and not callable(g.get(name)):
                name = name + "_"
            g[name] = _make_call(cname, spec, False)
            __all__.append(name)
            _expose(cname, "function", name)
        if any(p["pass"] == "out_owned_string" for p in spec["params"]):
            _expose("cpol_free", "internal", "", "frees the char ** output of " + cname)


_wire()


def open(uri, options=None, *, read_only=False, plaintext=False, **kwargs):  # noqa: A001  (like io.open)
    """Open a context on a storage URI ("memory:", "sqlite:PATH", ...).
    Options are cpol_open_options fields, as a dict or keywords: key (32
    bytes, or a callable key_id -> 32 bytes) with key_id encrypts personal
    data at rest; plaintext=True stores it in clear (tests and demos);
    read_only=True opens read-only; clock is a callable returning a datetime
    or milliseconds."""
    extra = (_capi.CPOL_OPEN_READONLY if read_only else 0) | (_capi.CPOL_OPEN_PLAINTEXT if plaintext else 0)
    if isinstance(options, ctypes.Structure):
        # a cpol_open_options struct (open_options_init()): the flags go into
        # a copy, the caller's struct stays as it was
        if extra:
            options = type(options).from_buffer_copy(options)
            options.flags |= extra
        return ctx_open(uri, options, **kwargs)  # noqa: F821  (generated above)
    if extra or "flags" in kwargs:
        base = (options or {}).get("flags", 0) if isinstance(options, dict) else 0
        kwargs["flags"] = kwargs.get("flags", base) | extra
    return ctx_open(uri, options, **kwargs)  # noqa: F821  (generated above)


_expose("cpol_ctx_open", "function", "open")
_expose("cpol_ctx_open", "function", "Context", "Context(uri, **options)")


def _exposure():
    """{C function: [(kind, attribute path, note)]}: where these bindings expose
    each C function (used by the bindings.coverage test)."""
    return {k: list(v) for k, v in _EXPOSED.items()}


def _field_support(t):
    """None if make_struct() can set a struct field of type t, else why not."""
    kind, ptr = t.get("kind"), t.get("ptr", 0)
    if kind == "struct" and ptr == 1:
        return None
    if kind == "char" and ptr == 1:
        return None
    if kind == "callback" and ptr == 0:
        return None
    if kind in ("int", "enum", "float") and ptr == 0 and t.get("array") is None:
        return None
    if kind == "void" and ptr == 1:
        return "a C payload pointer (a Python callback carries its own state)"
    return "fields of type %s are not supported" % kind


for _n in ("_member", "_cname", "_cls"):
    globals().pop(_n, None)
del _n
