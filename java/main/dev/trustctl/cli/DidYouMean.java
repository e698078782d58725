package dev.trustctl.cli;

/**
 * What a typo most likely meant, for a mistyped command, option or config key: the known name fewest edits away
 * (insertions, deletions, substitutions and swaps of neighbours), if that is at most 2 (1 for a name of 4
 * characters or fewer: "i" is no typo of "init").
 */
final class DidYouMean {
    private DidYouMean() {
    }

    /** {@code ". Did you mean 'PREFIX+NAME'?"} for {@code PREFIX+typo} (typed always starts with prefix), else "". */
    static String hint(String prefix, String typed, Iterable<String> names) {
        String word = typed.substring(prefix.length());
        if (word.length() > Shown.MAX_CHARS) {
            return ""; // an argument can be a megabyte, and so far from every name that none is compared
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String name : names) {
            int d = distance(word, name);
            if (d < bestDistance) {
                best = name;
                bestDistance = d;
            }
        }
        boolean near = best != null && bestDistance <= (best.length() <= 4 ? 1 : 2);
        return near ? ". Did you mean '" + prefix + best + "'?" : "";
    }

    /** The optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
    private static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
