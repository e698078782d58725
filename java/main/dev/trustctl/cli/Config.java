package dev.trustctl.cli;

import dev.trustctl.home.ConfigFile;
import dev.trustctl.home.HomeException;
import dev.trustctl.home.TrustHome;
import dev.trustctl.server.Io;
import dev.trustctl.server.ServerSettings;
import dev.trustctl.threads.VirtualThreads;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;

/** The effective configuration: what {@code $TRUST_HOME/config} holds ({@code stored}, checked), else defaults. */
record Config(Map<Config.Key, String> stored) {
    /** The keys {@code trustctl config} knows: each is the echo-server flag of its name, with its default. */
    enum Key {
        PORT("server.port", "PORT", String.valueOf(ServerSettings.DEFAULT_PORT), "TCP port, 1..65535"),
        BIND("server.bind", "ADDR", ServerSettings.DEFAULT_BIND, "address to listen on (the default: loopback only)"),
        TIMEOUT("server.timeout", "SECONDS", Values.secondsText(ServerSettings.DEFAULT_TIMEOUT), "idle, per-frame and"
                + " per-write deadline, 0.01..86400, decimals allowed"),
        MAX_CLIENTS("server.max_clients", "N", Values.AUTO, "clients served at once, 1.."
                + ServerSettings.MAX_MAX_CLIENTS + "; more are closed at once. auto: " + Io.LOOP.defaultMaxClients() + " (loop, virtual) or "
                + Io.THREADS.defaultMaxClients() + " (threads), lowered to what the open-file limit allows"),
        IO("server.io", "ENGINE", ServerSettings.DEFAULT_IO.label(), "how bytes move: loop (event loops, java.nio"
                + " Selector), threads (a thread per client) or virtual (a virtual thread per client, Java "
                + VirtualThreads.NEEDED_RELEASE + "+)"),
        LOOPS("server.loops", "N", Values.AUTO, "event-loop threads for --io loop, 1.." + ServerSettings.MAX_LOOPS
                + ". auto: one per processor (" + ServerSettings.defaultLoops() + " here)");

        final String key;
        /** The echo-server flag it stands for: {@code --max-clients} for {@code server.max_clients}. */
        final String flag;
        final String arg;
        final String defaultValue;
        final String help;

        Key(String key, String arg, String defaultValue, String help) {
            this.key = key;
            this.flag = key.substring("server.".length()).replace('_', '-');
            this.arg = arg;
            this.defaultValue = defaultValue;
            this.help = help;
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
            Key found = find(name);
            List<String> known = new ArrayList<>();
            for (Key k : values()) {
                known.add(k.key);
            }
            if (found == null) {
                throw new UsageException("unknown config key: " + Values.shown(name)
                        + Command.didYouMean("", name, known) + " (known: " + String.join(", ", known) + ")");
            }
            return found;
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

    /** The value of the key's echo-server flag, else what the file holds, else its default. */
    String get(CommandLine line, Key key) {
        return line.getOptionValue(key.flag, get(key));
    }

    /** Checks the value, then rewrites the file atomically with it (trustctl made sure TRUST_HOME is usable). */
    static void set(TrustHome home, Key key, String value) throws UsageException, HomeException {
        key.check(value);
        Map<String, String> entries = ConfigFile.read(home.configFile());
        entries.put(key.key, value.strip());
        ConfigFile.write(home.configFile(), entries);
    }
}
