package dev.trustctl.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The log's sizes and limits, tunable with -Dtrustctl.log.* (TRUSTCTL_JAVA_OPTS); a bad value keeps the defaults. */
class LogSettingsTest {
    private static final List<String> NAMES = List.of("max_bytes", "keep", "burst", "per_second",
            "first_per_connection");

    @AfterEach
    void clear() {
        NAMES.forEach(name -> System.clearProperty("trustctl.log." + name));
    }

    @Test
    void eachPropertySetsItsSetting() {
        System.setProperty("trustctl.log.max_bytes", "65536");
        System.setProperty("trustctl.log.keep", " 5 ");
        System.setProperty("trustctl.log.burst", "0");
        System.setProperty("trustctl.log.per_second", "7");
        System.setProperty("trustctl.log.first_per_connection", "+3");
        assertThat(LogSettings.fromSystemProperties()).isEqualTo(new LogSettings(65536, 5, 0, 7, 3));
    }

    @Test
    void noneSetIsTheDefaults() {
        assertThat(LogSettings.fromSystemProperties()).isEqualTo(LogSettings.defaults())
                .isEqualTo(new LogSettings(10L * 1024 * 1024, 3, 2000, 200, 10));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "ten", "\u0661\u0662", "-1", "1e3", "99999999999999999999", "1023"})
    void aBadValueKeepsEveryDefault(String bad) {
        System.setProperty("trustctl.log.burst", "5");
        System.setProperty("trustctl.log.max_bytes", bad);
        assertThat(LogSettings.fromSystemProperties()).isEqualTo(LogSettings.defaults());
    }

    @Test
    void onlyTheFileSizeMayPassAnInt() {
        System.setProperty("trustctl.log.max_bytes", "4294967296");
        assertThat(LogSettings.fromSystemProperties().maxFileBytes()).isEqualTo(4294967296L);
        System.setProperty("trustctl.log.burst", "4294967296");
        assertThat(LogSettings.fromSystemProperties()).isEqualTo(LogSettings.defaults());
    }
}
