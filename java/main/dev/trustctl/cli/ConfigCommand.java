package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import java.util.List;
import org.apache.commons.cli.Options;

/** {@code trustctl config get KEY | set KEY VALUE | list}: the persistent settings in {@code $TRUST_HOME/config}. */
final class ConfigCommand implements Command {
    private static final String USAGE = "trustctl config get KEY | config set KEY VALUE | config list";

    @Override
    public String name() {
        return "config";
    }

    @Override
    public String summary() {
        return "get, set or list settings (config get KEY, config set KEY VALUE, config list)";
    }

    @Override
    public int run(List<String> args, TrustHome home, Terminal term) throws UsageException, IOException {
        Options options = ParsedLine.optionsWithHelp();
        ParsedLine line = ParsedLine.parse(options, args);
        List<String> words = line.positional();
        if (line.has("help")) {
            StringBuilder keys = new StringBuilder("Keys (default):");
            for (ConfigKey k : ConfigKey.values()) {
                keys.append("\n  ").append(k.key()).append(" (").append(k.defaultValue()).append(')');
            }
            ParsedLine.printHelp(term.out(), USAGE, "Reads and writes $TRUST_HOME/config. " + keys, options);
            return ExitCode.OK;
        }
        if (words.isEmpty()) {
            throw new UsageException("config needs an action: get, set or list");
        }
        String action = words.get(0);
        switch (action) {
            case "get" -> {
                Arguments.exactly(line, 2, "action KEY");
                ConfigKey key = ConfigKey.require(words.get(1));
                home.ensureUsable();
                term.out().println(Config.load(home).get(key));
            }
            case "set" -> {
                Arguments.exactly(line, 3, "action KEY VALUE");
                ConfigKey key = ConfigKey.require(words.get(1));
                Config.set(home, key, words.get(2));
            }
            case "list" -> {
                Arguments.exactly(line, 1, "action");
                home.ensureUsable();
                Config config = Config.load(home);
                for (ConfigKey key : ConfigKey.values()) {
                    term.out().println(key.key() + "=" + config.get(key) + (config.isSet(key) ? "" : "  # default"));
                }
            }
            default -> throw new UsageException("unknown config action: " + Shown.of(action) + " (get, set or list)");
        }
        return ExitCode.OK;
    }
}
