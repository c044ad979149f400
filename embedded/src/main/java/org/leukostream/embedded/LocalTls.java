package org.leukostream.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A self-signed TLS identity for {@code localhost} and {@code 127.0.0.1}, made with the JDK's
 * {@code keytool}, for embedded servers that must speak HTTPS as their production counterparts do
 * (the schema registry, aggregator instances): the PKCS#12 key store the server uses, the same file
 * as a trust store for clients, and the certificate as PEM.
 *
 * @param keyStore PKCS#12 file holding the key and certificate
 * @param password its password
 * @param certificate the certificate, PEM
 */
public record LocalTls(Path keyStore, String password, Path certificate) {
  /** Creates a new identity, valid for two days, in a fresh temporary directory. */
  public static LocalTls create() {
    try {
      Path dir = Files.createTempDirectory("leukostream-local-tls-");
      Path store = dir.resolve("localhost.p12");
      Path pem = dir.resolve("localhost.pem");
      String password = "local-" + Long.toHexString(System.nanoTime());
      String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
      run(
          keytool,
          "-genkeypair",
          "-alias",
          "localhost",
          "-keyalg",
          "RSA",
          "-keysize",
          "2048",
          "-dname",
          "CN=localhost",
          "-ext",
          "SAN=dns:localhost,ip:127.0.0.1",
          "-validity",
          "2",
          "-keystore",
          store.toString(),
          "-storetype",
          "PKCS12",
          "-storepass",
          password);
      run(
          keytool,
          "-exportcert",
          "-rfc",
          "-alias",
          "localhost",
          "-keystore",
          store.toString(),
          "-storepass",
          password,
          "-file",
          pem.toString());
      return new LocalTls(store, password, pem);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot create a local TLS identity", e);
    }
  }

  /** The server side: presents this identity. */
  public SSLContext serverContext() {
    try (InputStream in = Files.newInputStream(keyStore)) {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(in, password.toCharArray());
      KeyManagerFactory managers =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      managers.init(keys, password.toCharArray());
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(managers.getKeyManagers(), null, null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("Unusable local key store " + keyStore, e);
    }
  }

  private static void run(String... command) throws IOException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (process.waitFor() != 0) {
        throw new IOException("keytool failed: " + output);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running keytool", e);
    }
  }
}
