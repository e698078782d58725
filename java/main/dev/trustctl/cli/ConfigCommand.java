package dev.trustctl.cli;

import dev.trustctl.errors.ExitCode;
import dev.trustctl.home.TrustHome;
import java.io.IOException;
import java.util.List;
import org.apache.commons.cli.CommandLine;

/** {@code trustctl config get KEY | set KEY VALUE | list}: the persistent settings in {@code $TRUST_HOME/config}. */
final class ConfigCommand extends Command {
    ConfigCommand() {
        super("config", Setup.HOME, "get, set or list settings (config get KEY, config set KEY VALUE, config list)",
                "trustctl config get KEY | set KEY VALUE | list",
                "Reads and writes $TRUST_HOME/config. Keys (default):");
    }

    @Override
    String about() {
        StringBuilder about = new StringBuilder(super.about());
        for (Config.Key k : Config.Key.values()) {
            about.append(k.ordinal() == 0 ? " " : ", ").append(k.key).append(" (").append(k.defaultValue).append(')');
        }
        return about.toString();
    }

    @Override
    int run(CommandLine line, TrustHome home, Terminal term) throws UsageException, IOException {
        List<String> words = line.getArgList();
        if (words.isEmpty()) {
            throw new UsageException("config needs an action: get, set or list");
        }
        switch (words.get(0)) {
            case "get" -> {
                Config.Key key = Config.Key.require(words(line, "action", "KEY").get(1));
                term.out().println(Config.load(home).get(key));
            }
            case "set" -> Config.set(home, Config.Key.require(words(line, "action", "KEY", "VALUE").get(1)),
                    words.get(2));
            case "list" -> {
                words(line, "action");
                Config config = Config.load(home);
                for (Config.Key key : Config.Key.values()) {
                    term.out().println(key.key + "=" + config.get(key)
                            + (config.stored().containsKey(key) ? "" : "  # default"));
                }
            }
            default -> throw new UsageException("unknown config action: " + Values.shown(words.get(0))
                    + " (get, set or list)");
        }
        return ExitCode.OK;
    }
}
