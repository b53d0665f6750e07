package io.github.medsa.checkpoint;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.Unpickler;
import net.razorvine.pickle.objects.ClassDictConstructor;

/**
 * Unpickles exactly one PyTorch pickle, turning tensors into {@link TensorRef}s without touching their
 * storages. Globals are resolved here, per instance, instead of through Pyrolite's process-wide
 * constructor registry, so nothing leaks into other users of Pyrolite. Length fields of strings and byte
 * arrays are checked against the bytes that remain before Pyrolite allocates anything.
 */
final class TorchUnpickler extends Unpickler {
  /** Marker pushed for {@code torch.<Type>Storage} globals. */
  record StorageType(String name) {}

  private static final IObjectConstructor ORDERED_DICT = args -> new LinkedHashMap<>();

  private final CountingInputStream counting;
  private final PushbackInputStream in;
  private final boolean legacy;

  private TorchUnpickler(InputStream raw, long length, boolean legacy) {
    this.counting = raw instanceof CountingInputStream c ? c : new CountingInputStream(raw, length);
    this.in = new PushbackInputStream(counting, 8);
    this.legacy = legacy;
  }

  /**
   * Reads one pickle from {@code stream}, which has {@code length} bytes left; reads nothing beyond the
   * pickle's STOP opcode. Low-level failures become {@link CheckpointFormatException}s naming the file.
   */
  static Object loadOne(Path file, InputStream stream, long length, boolean legacy, String what)
      throws CheckpointFormatException {
    TorchUnpickler u = new TorchUnpickler(stream, length, legacy);
    try {
      return u.load(u.in);
    } catch (CheckpointFormatException e) {
      throw e;
    } catch (EOFException e) {
      throw CheckpointFormatException.wrap(file, "truncated: " + what + " ends early", e);
    } catch (IOException | RuntimeException | StackOverflowError e) {
      String msg = e.getMessage() != null && e.getMessage().startsWith("premature end")
          ? "truncated: " + what + " ends early" : "corrupt " + what;
      throw CheckpointFormatException.wrap(file, msg, e);
    } finally {
      u.close();
    }
  }

  @Override
  protected Object dispatch(short key) throws PickleException, IOException {
    switch (key) {
      case 'c': { // GLOBAL
        String module = readLine();
        String name = readLine();
        stack.add(resolve(module, name));
        return NO_RETURN_VALUE;
      }
      case 0x93: { // STACK_GLOBAL
        Object name = stack.pop();
        Object module = stack.pop();
        stack.add(resolve(String.valueOf(module), String.valueOf(name)));
        return NO_RETURN_VALUE;
      }
      case 'b': { // BUILD: OrderedDict state (its _metadata attribute) is irrelevant here
        Object state = stack.pop();
        if (stack.peek() instanceof Map) {
          return NO_RETURN_VALUE;
        }
        stack.add(state);
        return super.dispatch(key);
      }
      case 'u': { // SETITEMS: Pyrolite collects the items in a HashMap first, losing the file order
        java.util.List<Object> items = stack.pop_all_since_marker();
        if (items.size() % 2 != 0) {
          throw new PickleException("SETITEMS with an odd number of items");
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> target = (Map<Object, Object>) stack.peek();
        for (int i = 0; i < items.size(); i += 2) {
          target.put(items.get(i), items.get(i + 1));
        }
        return NO_RETURN_VALUE;
      }
      case 'X': case 'B': case 'T': case 0x8b: // 4-byte lengths
        checkLength(4);
        return super.dispatch(key);
      case 0x8d: case 0x8e: case 0x96: // 8-byte lengths
        checkLength(8);
        return super.dispatch(key);
      default:
        return super.dispatch(key);
    }
  }

  private void checkLength(int width) throws IOException {
    byte[] b = in.readNBytes(width);
    if (b.length != width) {
      throw new EOFException("length field cut off");
    }
    long n = 0;
    for (int i = width - 1; i >= 0; i--) {
      n = (n << 8) | (b[i] & 0xff);
    }
    if (n < 0 || n > counting.remaining()) {
      throw new EOFException("a string or byte field claims " + Long.toUnsignedString(n) + " bytes, only "
          + counting.remaining() + " remain");
    }
    in.unread(b);
  }

  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("global name cut off");
      }
      if (c == '\n') {
        return sb.toString();
      }
      if (sb.length() > 1000) {
        throw new PickleException("global name too long");
      }
      sb.append((char) c);
    }
  }

  private Object resolve(String module, String name) {
    String full = module + "." + name;
    switch (full) {
      case "collections.OrderedDict":
        return ORDERED_DICT;
      case "torch._utils._rebuild_tensor_v2":
      case "torch._utils._rebuild_tensor":
        return (IObjectConstructor) TorchUnpickler::rebuildTensor;
      case "torch._utils._rebuild_parameter":
        return (IObjectConstructor) args -> args[0];
      default:
        if (module.equals("torch") && name.endsWith("Storage")) {
          return new StorageType(name);
        }
        return new ClassDictConstructor(module, name);
    }
  }

  private static Object rebuildTensor(Object[] args) {
    if (args.length < 4 || !(args[0] instanceof StorageRef storage)) {
      throw new PickleException("unexpected arguments to _rebuild_tensor: " + args.length);
    }
    long offset = toLong(args[1]);
    long[] size = toLongs(args[2]);
    long[] stride = toLongs(args[3]);
    if (size.length != stride.length) {
      throw new PickleException("tensor size and stride have different ranks");
    }
    return new TensorRef(storage, offset, size, stride);
  }

  @Override
  protected Object persistentLoad(Object pid) {
    if (!(pid instanceof Object[] t) || t.length < 5 || !"storage".equals(t[0])) {
      throw new PickleException("unsupported persistent id " + describe(pid));
    }
    if (!(t[1] instanceof StorageType type)) {
      throw new PickleException("persistent id without a storage type: " + describe(pid));
    }
    TensorDtype dtype = TensorDtype.fromTorchStorage(type.name())
        .orElseThrow(() -> new PickleException("unsupported storage type torch." + type.name()));
    String key = String.valueOf(t[2]);
    long numel = toLong(t[4]);
    if (numel < 0) {
      throw new PickleException("storage " + key + " has negative size " + numel);
    }
    if (legacy && t.length > 5 && t[5] instanceof Object[] view) {
      // (view_key, offset, view_size): a slice of the root storage `key`
      long off = toLong(view[1]);
      long viewSize = toLong(view[2]);
      if (off < 0 || viewSize < 0 || off + viewSize > numel) {
        throw new PickleException("storage view " + view[0] + " lies outside storage " + key);
      }
      return new StorageRef(dtype, key, numel, off, viewSize);
    }
    return new StorageRef(dtype, key, numel, 0, numel);
  }

  private static String describe(Object o) {
    return o instanceof Object[] a ? java.util.Arrays.deepToString(a) : String.valueOf(o);
  }

  static long toLong(Object o) {
    if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) {
      return ((Number) o).longValue();
    }
    if (o instanceof BigInteger b) {
      return b.longValueExact();
    }
    throw new PickleException("expected an integer, found " + describe(o));
  }

  private static long[] toLongs(Object o) {
    if (o instanceof Object[] a) {
      long[] r = new long[a.length];
      for (int i = 0; i < a.length; i++) {
        r[i] = toLong(a[i]);
      }
      return r;
    }
    if (o instanceof java.util.List<?> l) {
      return toLongs(l.toArray());
    }
    throw new PickleException("expected a tuple of integers, found " + describe(o));
  }
}
