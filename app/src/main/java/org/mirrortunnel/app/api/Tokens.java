package org.mirrortunnel.app.api;

/** Names and ids made of a few ASCII characters, checked without a regular expression (every request does it). */
final class Tokens {
    private Tokens() {
    }

    /**
     * Tells whether a string is 1..max characters of [A-Za-z0-9] and the given others.
     *
     * @param s      the string, may be null
     * @param max    longest allowed
     * @param others the other characters allowed
     * @return true when valid
     */
    static boolean valid(String s, int max, String others) {
        if (s == null || s.isEmpty() || s.length() > max) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean alnum = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
            if (!alnum && others.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }
}
