package dev.trustctl.cli;

import dev.trustctl.echo.ServerSettings;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** The keys {@code trustctl config} knows, each with its default and the check its value must pass. */
public enum ConfigKey {
    SERVER_PORT("server.port", String.valueOf(ServerSettings.DEFAULT_PORT)) {
        @Override
        void check(String value) throws UsageException {
            Values.port(key(), value);
        }
    },
    SERVER_BIND("server.bind", ServerSettings.DEFAULT_BIND) {
        @Override
        void check(String value) throws UsageException {
            Values.host(key(), value);
        }
    },
    SERVER_TIMEOUT("server.timeout", Values.secondsText(ServerSettings.DEFAULT_TIMEOUT)) {
        @Override
        void check(String value) throws UsageException {
            Values.seconds(key(), value);
        }
    },
    SERVER_MAX_CLIENTS("server.max_clients", EchoServerCommand.AUTO) {
        @Override
        void check(String value) throws UsageException {
            EchoServerCommand.maxClients(key(), value);
        }
    },
    SERVER_IO("server.io", ServerSettings.DEFAULT_IO.label()) {
        @Override
        void check(String value) throws UsageException {
            EchoServerCommand.io(key(), value);
        }
    },
    SERVER_LOOPS("server.loops", EchoServerCommand.AUTO) {
        @Override
        void check(String value) throws UsageException {
            EchoServerCommand.loops(key(), value);
        }
    };

    private final String key;
    private final String defaultValue;

    ConfigKey(String key, String defaultValue) {
        this.key = key;
        this.defaultValue = defaultValue;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    abstract void check(String value) throws UsageException;

    public static Optional<ConfigKey> find(String key) {
        return Arrays.stream(values()).filter(k -> k.key.equals(key)).findFirst();
    }

    public static ConfigKey require(String key) throws UsageException {
        List<String> known = Arrays.stream(values()).map(ConfigKey::key).toList();
        return find(key).orElseThrow(() -> new UsageException("unknown config key: " + Shown.of(key)
                + DidYouMean.hint("", key, known) + " (known: " + String.join(", ", known) + ")"));
    }
}
