package dev.trustctl.cli;

import dev.trustctl.server.ServerSettings;
import java.util.ArrayList;
import java.util.List;

/** The keys {@code trustctl config} knows, each with its default and the check its value must pass. */
public enum ConfigKey {
    SERVER_PORT("server.port", String.valueOf(ServerSettings.DEFAULT_PORT)),
    SERVER_BIND("server.bind", ServerSettings.DEFAULT_BIND),
    SERVER_TIMEOUT("server.timeout", Values.secondsText(ServerSettings.DEFAULT_TIMEOUT)),
    SERVER_MAX_CLIENTS("server.max_clients", Values.AUTO),
    SERVER_IO("server.io", ServerSettings.DEFAULT_IO.label()),
    SERVER_LOOPS("server.loops", Values.AUTO);

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

    /** The check of the echo-server flag the key stands for, its message naming the key. */
    void check(String value) throws UsageException {
        switch (this) {
            case SERVER_PORT -> Values.port(key, value);
            case SERVER_BIND -> Values.host(key, value);
            case SERVER_TIMEOUT -> Values.seconds(key, value);
            case SERVER_MAX_CLIENTS -> Values.countOrAuto(key, value, ServerSettings.MAX_MAX_CLIENTS, 0);
            case SERVER_IO -> Values.io(key, value);
            case SERVER_LOOPS -> Values.countOrAuto(key, value, ServerSettings.MAX_LOOPS, 0);
        }
    }

    /** The key named {@code key}, or null. */
    static ConfigKey find(String key) {
        for (ConfigKey k : values()) {
            if (k.key.equals(key)) {
                return k;
            }
        }
        return null;
    }

    static ConfigKey require(String key) throws UsageException {
        ConfigKey found = find(key);
        if (found != null) {
            return found;
        }
        List<String> known = new ArrayList<>();
        for (ConfigKey k : values()) {
            known.add(k.key);
        }
        throw new UsageException("unknown config key: " + Shown.of(key) + DidYouMean.hint("", key, known) + " (known: "
                + String.join(", ", known) + ")");
    }
}
