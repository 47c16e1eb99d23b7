using System.Globalization;
using Microsoft.Data.Sqlite;
using PsLlm.Engine.Observability.Logging;

namespace PsLlm.Engine.Observability.Pricing;

/// <summary>
/// The user's prices, kept in the log database's prices table so they travel with the log they
/// price. Amounts are stored as invariant decimal text, so no price is rounded through a double.
/// </summary>
internal static class PriceStore
{
    public static IReadOnlyList<LlmPrice> Read(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT model, input_per_million, output_per_million, cached_input_per_million, currency, updated_at FROM prices ORDER BY updated_at, model;";
        using var reader = command.ExecuteReader();
        var prices = new List<LlmPrice>();
        while (reader.Read())
        {
            prices.Add(new LlmPrice
            {
                Model = reader.GetString(0),
                InputPerMillion = decimal.Parse(reader.GetString(1), CultureInfo.InvariantCulture),
                OutputPerMillion = decimal.Parse(reader.GetString(2), CultureInfo.InvariantCulture),
                CachedInputPerMillion = reader.IsDBNull(3) ? null : decimal.Parse(reader.GetString(3), CultureInfo.InvariantCulture),
                Currency = reader.GetString(4),
                Source = "User",
                AsOf = LogTime.Read(reader.GetString(5)),
            });
        }
        return prices;
    }

    /// <summary>The price table for this database: its user prices over the built-in ones.</summary>
    public static PriceTable Table(SqliteConnection connection) => new(Read(connection));

    /// <summary>Adds or replaces the price for <paramref name="price"/>.Model (names compare case-insensitively).</summary>
    public static LlmPrice Set(SqliteConnection connection, LlmPrice price)
    {
        if (string.IsNullOrWhiteSpace(price.Model)) throw new ArgumentException("A price needs a model name or pattern.", nameof(price));
        if (price.InputPerMillion < 0 || price.OutputPerMillion < 0 || price.CachedInputPerMillion < 0)
            throw new ArgumentOutOfRangeException(nameof(price), "Prices cannot be negative.");
        var stored = new LlmPrice
        {
            Model = price.Model.Trim(),
            InputPerMillion = price.InputPerMillion,
            OutputPerMillion = price.OutputPerMillion,
            CachedInputPerMillion = price.CachedInputPerMillion,
            Currency = string.IsNullOrWhiteSpace(price.Currency) ? "USD" : price.Currency,
            Source = "User",
            AsOf = DateTimeOffset.UtcNow,
        };
        using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO prices (model, input_per_million, output_per_million, cached_input_per_million, currency, updated_at)
            VALUES ($model, $input, $output, $cached, $currency, $updated)
            ON CONFLICT(model) DO UPDATE SET
                model = excluded.model, input_per_million = excluded.input_per_million, output_per_million = excluded.output_per_million,
                cached_input_per_million = excluded.cached_input_per_million, currency = excluded.currency, updated_at = excluded.updated_at;
            """;
        command.Parameters.AddWithValue("$model", stored.Model);
        command.Parameters.AddWithValue("$input", stored.InputPerMillion.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$output", stored.OutputPerMillion.ToString(CultureInfo.InvariantCulture));
        command.Parameters.AddWithValue("$cached", (object?)stored.CachedInputPerMillion?.ToString(CultureInfo.InvariantCulture) ?? DBNull.Value);
        command.Parameters.AddWithValue("$currency", stored.Currency);
        command.Parameters.AddWithValue("$updated", LogTime.Write(stored.AsOf!.Value));
        command.ExecuteNonQuery();
        return stored;
    }
}
