package dev.trustctl.cli;

import dev.trustctl.home.ConfigFile;
import dev.trustctl.home.HomeException;
import dev.trustctl.home.TrustHome;
import java.util.EnumMap;
import java.util.Map;

/** The effective configuration: what {@code config} holds ({@code stored}, checked key by key), else defaults. */
public record Config(Map<ConfigKey, String> stored) {
    public static Config load(TrustHome home) throws HomeException {
        Map<ConfigKey, String> stored = new EnumMap<>(ConfigKey.class);
        for (Map.Entry<String, String> e : ConfigFile.read(home.configFile()).entrySet()) {
            ConfigKey key = ConfigKey.find(e.getKey());
            if (key == null) {
                throw new HomeException("config " + home.configFile() + ": unknown key '" + Shown.of(e.getKey()) + "'");
            }
            try {
                key.check(e.getValue());
            } catch (UsageException bad) {
                throw new HomeException("config " + home.configFile() + ": " + bad.getMessage());
            }
            stored.put(key, e.getValue());
        }
        return new Config(stored);
    }

    public String get(ConfigKey key) {
        return stored.getOrDefault(key, key.defaultValue());
    }

    /** Checks the value, then rewrites the file atomically with it (trustctl made sure TRUST_HOME is usable). */
    public static void set(TrustHome home, ConfigKey key, String value) throws UsageException, HomeException {
        key.check(value);
        Map<String, String> entries = ConfigFile.read(home.configFile());
        entries.put(key.key(), value.strip());
        ConfigFile.write(home.configFile(), entries);
    }
}
