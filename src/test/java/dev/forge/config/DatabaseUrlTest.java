package dev.forge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseUrlTest {

    @Test
    void readsTheGuidesSqliteForms() {
        assertThat(DatabaseUrl.parse("DATABASE_URL", "sqlite:////data/mcp.db").jdbcUrl()).isEqualTo("jdbc:sqlite:/data/mcp.db");
        assertThat(DatabaseUrl.parse("DATABASE_URL", "sqlite:///./mcp.db").jdbcUrl()).isEqualTo("jdbc:sqlite:./mcp.db");
    }

    @Test
    void readsPostgresqlWithCredentials() {
        DatabaseUrl url = DatabaseUrl.parse("DATABASE_URL", "postgresql://forge_user:p%40ss@db.internal:6543/forge_mcp_prod");
        assertThat(url.kind()).isEqualTo(DatabaseUrl.Kind.POSTGRESQL);
        assertThat(url.jdbcUrl()).isEqualTo("jdbc:postgresql://db.internal:6543/forge_mcp_prod");
        assertThat(url.user()).isEqualTo("forge_user");
        assertThat(url.password()).isEqualTo("p@ss");
        assertThat(DatabaseUrl.parse("DATABASE_URL", "postgresql+psycopg://u:p@h/db").jdbcUrl()).isEqualTo("jdbc:postgresql://h:5432/db");
    }

    @Test
    void aBadUrlIsNamedWithoutItsPassword() {
        assertThatThrownBy(() -> DatabaseUrl.parse("DATABASE_URL", "mysql://u:secret@h/db"))
                .hasMessageContaining("DATABASE_URL").hasMessageContaining("u:***@").hasMessageNotContaining("secret");
    }
}
