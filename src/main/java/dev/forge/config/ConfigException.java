package dev.forge.config;

/** Invalid configuration; the message names the file or variable, the field, the value and what was expected. */
public final class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }
}
