package dev.trustctl.cli;

import dev.trustctl.home.ConfigFile;
import dev.trustctl.home.HomeException;
import dev.trustctl.home.TrustHome;
import dev.trustctl.server.ServerSettings;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** The effective configuration: what {@code $TRUST_HOME/config} holds ({@code stored}, checked), else defaults. */
record Config(Map<Config.Key, String> stored) {
    /** The keys {@code trustctl config} knows, each the echo-server flag of its name, with its default. */
    enum Key {
        PORT("server.port", String.valueOf(ServerSettings.DEFAULT_PORT)),
        BIND("server.bind", ServerSettings.DEFAULT_BIND),
        TIMEOUT("server.timeout", Values.secondsText(ServerSettings.DEFAULT_TIMEOUT)),
        MAX_CLIENTS("server.max_clients", Values.AUTO),
        IO("server.io", ServerSettings.DEFAULT_IO.label()),
        LOOPS("server.loops", Values.AUTO);

        final String key;
        final String defaultValue;

        Key(String key, String defaultValue) {
            this.key = key;
            this.defaultValue = defaultValue;
        }

        /** The check of the echo-server flag the key stands for, its message naming the key. */
        void check(String value) throws UsageException {
            switch (this) {
                case PORT -> Values.port(key, value);
                case BIND -> Values.host(key, value);
                case TIMEOUT -> Values.seconds(key, value);
                case MAX_CLIENTS -> Values.countOrAuto(key, value, ServerSettings.MAX_MAX_CLIENTS, 0);
                case IO -> Values.io(key, value);
                case LOOPS -> Values.countOrAuto(key, value, ServerSettings.MAX_LOOPS, 0);
            }
        }

        /** The key named {@code name}, or null. */
        static Key find(String name) {
            for (Key k : values()) {
                if (k.key.equals(name)) {
                    return k;
                }
            }
            return null;
        }

        static Key require(String name) throws UsageException {
            List<String> known = new ArrayList<>();
            for (Key k : values()) {
                known.add(k.key);
            }
            if (find(name) == null) {
                throw new UsageException("unknown config key: " + Values.shown(name)
                        + Command.didYouMean("", name, known) + " (known: " + String.join(", ", known) + ")");
            }
            return find(name);
        }
    }

    static Config load(TrustHome home) throws HomeException {
        Map<Key, String> stored = new EnumMap<>(Key.class);
        for (Map.Entry<String, String> e : ConfigFile.read(home.configFile()).entrySet()) {
            Key key = Key.find(e.getKey());
            try {
                if (key == null) {
                    throw new UsageException("unknown key '" + Values.shown(e.getKey()) + "'");
                }
                key.check(e.getValue());
            } catch (UsageException bad) {
                throw new HomeException("config " + home.configFile() + ": " + bad.getMessage());
            }
            stored.put(key, e.getValue());
        }
        return new Config(stored);
    }

    String get(Key key) {
        return stored.getOrDefault(key, key.defaultValue);
    }

    /** Checks the value, then rewrites the file atomically with it (trustctl made sure TRUST_HOME is usable). */
    static void set(TrustHome home, Key key, String value) throws UsageException, HomeException {
        key.check(value);
        Map<String, String> entries = ConfigFile.read(home.configFile());
        entries.put(key.key, value.strip());
        ConfigFile.write(home.configFile(), entries);
    }
}
