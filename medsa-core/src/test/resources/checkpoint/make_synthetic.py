"""Writes small hand-made PyTorch checkpoints for the checkpoint tests, without torch.

Fake `torch` modules make pickle emit exactly the globals torch.save writes (`torch._utils
_rebuild_tensor_v2`, `torch FloatStorage`, ...). The tensors exercise what the SAM fixtures do not:
shared storages, storage offsets, non-contiguous and zero strides, a 0-dim tensor, Half/BFloat16/Double
storages, and (legacy) a storage view. Run: python3 make_synthetic.py (writes next to this script).
"""
import collections, os, pickle, struct, sys, types, zipfile
import numpy as np

torch = types.ModuleType('torch'); utils = types.ModuleType('torch._utils'); torch._utils = utils
sys.modules['torch'] = torch; sys.modules['torch._utils'] = utils
def _rebuild_tensor_v2(*args): raise NotImplementedError
_rebuild_tensor_v2.__module__ = 'torch._utils'; _rebuild_tensor_v2.__qualname__ = '_rebuild_tensor_v2'
utils._rebuild_tensor_v2 = _rebuild_tensor_v2
for n in ['FloatStorage', 'HalfStorage', 'BFloat16Storage', 'DoubleStorage', 'LongStorage']:
    c = type(n, (), {}); c.__module__ = 'torch'; c.__qualname__ = n; setattr(torch, n, c)

class Storage:
    def __init__(self, kind, key, data, view=None):
        self.kind, self.key, self.data, self.view = getattr(torch, kind), key, data, view
        self.numel = len(data) // {'FloatStorage': 4, 'HalfStorage': 2, 'BFloat16Storage': 2,
                                   'DoubleStorage': 8, 'LongStorage': 8}[kind]

class Tensor:
    def __init__(self, storage, offset, size, stride):
        self.args = (storage, offset, tuple(size), tuple(stride), False, collections.OrderedDict())
    def __reduce__(self):
        return (_rebuild_tensor_v2, self.args)

class P(pickle.Pickler):
    legacy = False
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            pid = ('storage', obj.kind, obj.key, 'cpu', obj.numel)
            return pid + (obj.view,) if self.legacy else pid
        return None

def dumps(obj, legacy=False):
    import io
    buf = io.BytesIO(); p = P(buf, protocol=2); p.legacy = legacy; p.dump(obj); return buf.getvalue()

f32 = lambda *v: np.array(v, '<f4').tobytes()
s0 = Storage('FloatStorage', '0', np.arange(12, dtype='<f4').tobytes())
s1 = Storage('FloatStorage', '1', f32(3.5, 7.25))
half = Storage('HalfStorage', '2', np.array([1.0, -2.5, 65504.0, 2 ** -14, 2 ** -24], '<f2').tobytes())
bf_src = np.array([1.0, -3.0, 0.15625, 1e30], '<f4')
bf = Storage('BFloat16Storage', '3', (bf_src.view('<u4') >> 16).astype('<u2').tobytes())
dbl = Storage('DoubleStorage', '4', np.array([0.1, -1e-3, 12345.678], '<f8').tobytes())

sd = collections.OrderedDict()
sd['contig'] = Tensor(s0, 0, (3, 4), (4, 1))
sd['transposed'] = Tensor(s0, 0, (4, 3), (1, 4))
sd['offset_slice'] = Tensor(s0, 5, (2, 3), (4, 1))
sd['scalar'] = Tensor(s1, 1, (), ())
sd['broadcast'] = Tensor(s1, 0, (2, 2), (0, 1))
sd['half'] = Tensor(half, 0, (5,), (1,))
sd['bf16'] = Tensor(bf, 0, (2, 2), (2, 1))
sd['double'] = Tensor(dbl, 0, (3,), (1,))
here = os.path.dirname(os.path.abspath(__file__))

def write_zip(name, state, storages, prefix='synthetic'):
    with zipfile.ZipFile(os.path.join(here, name), 'w', zipfile.ZIP_STORED) as z:
        z.writestr(prefix + '/data.pkl', dumps(state))
        for s in storages:
            z.writestr(prefix + '/data/' + s.key, s.data)
        z.writestr(prefix + '/version', b'3\n')

write_zip('synthetic.pth', sd, [s0, s1, half, bf, dbl])
longs = Storage('LongStorage', '0', np.array([7], '<i8').tobytes())
write_zip('integer.pth', collections.OrderedDict(
    [('weight', Tensor(s1, 0, (2,), (1,))), ('num_batches_tracked', Tensor(longs, 0, (), ()))]),
    [s1, longs], prefix='archive')

# Legacy container, with one storage view (view_metadata = (view_key, offset, view_size)).
lsd = collections.OrderedDict(sd)
view = Storage('FloatStorage', '0', s0.data, view=('v1', 4, 6))
lsd['view'] = Tensor(view, 1, (2, 2), (2, 1))
storages = {s.key: s for s in [s0, s1, half, bf, dbl]}
with open(os.path.join(here, 'synthetic_legacy.pth'), 'wb') as f:
    f.write(dumps(0x1950a86a20f9469cfc6c))
    f.write(dumps(1001))
    f.write(dumps({'protocol_version': 1001, 'little_endian': True,
                   'type_sizes': {'short': 2, 'int': 4, 'long': 4}}))
    f.write(dumps(lsd, legacy=True))
    keys = sorted(storages)
    f.write(dumps(keys))
    for k in keys:
        f.write(struct.pack('<q', storages[k].numel)); f.write(storages[k].data)
