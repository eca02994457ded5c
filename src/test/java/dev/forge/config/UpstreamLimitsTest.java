package dev.forge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamLimitsTest {

    @Test
    void limitsComeFromTheEnvironmentOverTheirDefaults() {
        assertThat(new ConfigLoader(Map.of()).upstreamLimits()).isEqualTo(UpstreamLimits.DEFAULTS);
        UpstreamLimits set = new ConfigLoader(Map.of("MAX_UPSTREAM_MESSAGE_BYTES", "1048576", "MAX_UPSTREAM_LIST_ITEMS", "500",
                "MAX_CLIENT_PROCESSES_PER_UPSTREAM", "4", "MAX_CLIENT_PROCESSES", "16")).upstreamLimits();
        assertThat(set).isEqualTo(new UpstreamLimits(1024 * 1024, 500, 4, 16));
    }

    @Test
    void aLimitThatWouldStopEverythingIsRefusedNamingItsVariable() {
        assertThatThrownBy(() -> new ConfigLoader(Map.of("MAX_CLIENT_PROCESSES", "0")).upstreamLimits())
                .isInstanceOf(ConfigException.class).hasMessage("MAX_CLIENT_PROCESSES: 0 (expected: an integer >= 1)");
        assertThatThrownBy(() -> new ConfigLoader(Map.of("MAX_UPSTREAM_MESSAGE_BYTES", "lots")).upstreamLimits())
                .isInstanceOf(ConfigException.class).hasMessageContaining("MAX_UPSTREAM_MESSAGE_BYTES: 'lots'");
    }
}
