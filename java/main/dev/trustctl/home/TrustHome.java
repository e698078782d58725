package dev.trustctl.home;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * The directory trustctl keeps its state in: {@code config} and {@code logs/}. It is {@code $TRUST_HOME},
 * or {@code $HOME/.trustctl} when TRUST_HOME is unset or empty. Created private to the user (0700); one that
 * is not the user's own or is writable by group or others is refused ({@link StrictModes}).
 */
public record TrustHome(Path dir) {
    public TrustHome {
        dir = dir.toAbsolutePath().normalize();
    }

    public static TrustHome fromEnv(Map<String, String> env) {
        String explicit = env.get("TRUST_HOME");
        return new TrustHome(explicit != null && !explicit.isEmpty() ? Paths.get(explicit)
                : Paths.get(env.getOrDefault("HOME", System.getProperty("user.home")), ".trustctl"));
    }

    public Path configFile() {
        return dir.resolve("config");
    }

    public Path logDir() {
        return dir.resolve("logs");
    }

    public Path logFile() {
        return logDir().resolve("trustctl.log");
    }

    public boolean isInitialised() {
        return Files.isRegularFile(configFile());
    }

    /** Fails with one clear line unless the directory exists (or can be made) and is a writable directory. */
    public void ensureUsable() throws HomeException {
        try {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(StrictModes.PRIVATE_DIR));
        } catch (FileAlreadyExistsException e) { // a file, or a link to one
            throw new HomeException("TRUST_HOME is not a directory: " + dir);
        } catch (IOException e) {
            throw new HomeException("cannot create TRUST_HOME " + dir + ": " + HomeException.reason(e), e);
        }
        if (!Files.isWritable(dir)) {
            throw new HomeException("TRUST_HOME is not writable: " + dir);
        }
        StrictModes.check(dir, "TRUST_HOME", true);
    }

    /**
     * What {@code init} does before anything else: the home 0700, {@code logs/} 0700, the config and every log
     * file 0600. Only what this user owns is changed, and symbolic links are left alone (then refused).
     */
    public void tightenModes() throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        StrictModes.tighten(dir, StrictModes.PRIVATE_DIR);
        StrictModes.tighten(configFile(), StrictModes.PRIVATE_FILE);
        StrictModes.tighten(logDir(), StrictModes.PRIVATE_DIR);
        if (Files.isDirectory(logDir(), LinkOption.NOFOLLOW_LINKS)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(logDir())) {
                for (Path f : files) {
                    if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                        StrictModes.tighten(f, StrictModes.PRIVATE_FILE);
                    }
                }
            }
        }
    }

    /**
     * Creates the layout in a home trustctl has tightened and found usable; returns false when it was already there
     * (an existing config is kept as it is).
     */
    public boolean init() throws IOException {
        if (!Files.isDirectory(logDir(), LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(logDir(), PosixFilePermissions.asFileAttribute(StrictModes.PRIVATE_DIR));
        }
        StrictModes.check(logDir(), "logs directory", false);
        if (isInitialised()) {
            return false;
        }
        ConfigFile.write(configFile(), Map.of());
        return true;
    }
}
