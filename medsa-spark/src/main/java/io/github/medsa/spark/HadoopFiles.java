package io.github.medsa.spark;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/**
 * Files behind Hadoop URIs ({@code hdfs://}, {@code s3a://}, {@code file:}, plain paths): copies to local
 * temporary files for the readers that need a {@link Path}, and publishes local files under a final name by
 * writing a temporary name first and renaming, so a name that exists is complete. Carries the driver's Hadoop
 * configuration to the executors (serializable).
 */
final class HadoopFiles implements Serializable {
  private static final long serialVersionUID = 1L;
  private final Map<String, String> conf;
  private transient Configuration configuration;

  HadoopFiles(Configuration driverConf) {
    Map<String, String> copy = new HashMap<>();
    driverConf.forEach(e -> copy.put(e.getKey(), e.getValue()));
    this.conf = copy;
  }

  private Configuration configuration() {
    if (configuration == null) {
      Configuration c = new Configuration(false);
      conf.forEach(c::set);
      configuration = c;
    }
    return configuration;
  }

  private org.apache.hadoop.fs.Path path(String uri) {
    return new org.apache.hadoop.fs.Path(uri);
  }

  private FileSystem fs(org.apache.hadoop.fs.Path p) throws IOException {
    return p.getFileSystem(configuration());
  }

  /** {@code child} under the directory {@code dir}, as a URI string. */
  static String resolve(String dir, String child) {
    return dir.endsWith("/") ? dir + child : dir + "/" + child;
  }

  boolean exists(String uri) throws IOException {
    org.apache.hadoop.fs.Path p = path(uri);
    return fs(p).exists(p);
  }

  /**
   * Copies a file or a directory (a DICOM series) into {@code localDir}, keeping its name (readers look at the
   * extension).
   *
   * @throws java.io.FileNotFoundException naming the URI when it does not exist
   */
  Path copyToLocal(String uri, Path localDir) throws IOException {
    org.apache.hadoop.fs.Path p = path(uri);
    FileSystem fs = fs(p);
    if (!fs.exists(p)) {
      throw new java.io.FileNotFoundException(uri + " does not exist");
    }
    Path local = localDir.resolve(p.getName());
    fs.copyToLocalFile(false, p, new org.apache.hadoop.fs.Path(local.toUri()), true); // raw: no .crc files
    return local;
  }

  /** Reads a whole file (the driver broadcasts checkpoints with it). */
  byte[] readAll(String uri) throws IOException {
    org.apache.hadoop.fs.Path p = path(uri);
    try (var in = fs(p).open(p)) {
      return in.readAllBytes();
    }
  }

  /** Publishes {@code local} as {@code uri}: copied to a unique temporary name beside it, then renamed. */
  void publish(Path local, String uri) throws IOException {
    org.apache.hadoop.fs.Path target = path(uri);
    FileSystem fs = fs(target);
    org.apache.hadoop.fs.Path tmp = new org.apache.hadoop.fs.Path(target.getParent(),
        "." + target.getName() + "." + UUID.randomUUID() + ".tmp");
    fs.mkdirs(target.getParent());
    fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(local.toUri()), tmp);
    fs.delete(target, false); // a stale output of an incomplete run (its result marker was never written)
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, false);
      throw new IOException("could not rename " + tmp + " to " + target);
    }
  }

  /** Publishes {@code bytes} as {@code uri} (temporary name, then rename). */
  void publish(byte[] bytes, String uri, Path scratch) throws IOException {
    Path local = Files.createTempFile(scratch, "publish", ".tmp");
    Files.write(local, bytes);
    publish(local, uri);
  }

  /** Deletes a local file or directory tree; best effort (temporary copies). */
  static void deleteLocal(Path p) {
    try (var walk = Files.walk(p)) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException | RuntimeException e) {
      // scratch space; the JVM's temp directory is cleaned by the cluster manager
    }
  }
}
