package dev.trustctl.cli;

import java.util.List;

/** Checks on positional arguments, with the same wording everywhere. */
final class Arguments {
    private Arguments() {
    }

    static void none(ParsedLine line) throws UsageException {
        exactly(line, 0, "");
    }

    static List<String> exactly(ParsedLine line, int count, String names) throws UsageException {
        List<String> args = line.positional();
        if (args.size() > count) {
            throw new UsageException("unexpected argument: " + Shown.of(args.get(count)));
        }
        if (args.size() < count) {
            throw new UsageException("missing argument: " + names.split(" ")[args.size()]);
        }
        return args;
    }
}
