// Runs one area's conformance cases and prints, for each, its name and the rendered result (or
// `!` and the exception's type). Gatehouse renders its own results the same way
// (`gatehouse_expr::describe`), so the two outputs compare line by line.
using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Gatehouse.Oracle
{
    public static class Runner
    {
        static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

        static string Quote(string text, char quote)
        {
            var out_ = new StringBuilder();
            out_.Append(quote);
            foreach (var c in text)
            {
                switch (c)
                {
                    case '\\': out_.Append("\\\\"); break;
                    case '\n': out_.Append("\\n"); break;
                    case '\r': out_.Append("\\r"); break;
                    case '\t': out_.Append("\\t"); break;
                    default:
                        if (c == quote) out_.Append('\\').Append(c);
                        else if (c < 0x20 || char.IsSurrogate(c) || c == '\uFFFD') out_.Append("\\u").Append(((int)c).ToString("x4"));
                        else out_.Append(c);
                        break;
                }
            }
            out_.Append(quote);
            return out_.ToString();
        }

        /// Floating point numbers as 17 (9) significant digits, exactly: `7.9999999999999993e-1`.
        static string Exact(string scientific)
        {
            var at = scientific.IndexOf('E');
            var mantissa = scientific.Substring(0, at);
            var exponent = int.Parse(scientific.Substring(at + 1), Invariant);
            return mantissa + "e" + exponent.ToString(Invariant);
        }

        static string Floating(double value, bool single)
        {
            if (double.IsNaN(value)) return "NaN";
            if (double.IsPositiveInfinity(value)) return "Infinity";
            if (double.IsNegativeInfinity(value)) return "-Infinity";
            if (value == 0) return (1 / value < 0 ? "-" : "") + (single ? "0.00000000e0" : "0.0000000000000000e0");
            return single ? Exact(((float)value).ToString("E8", Invariant)) : Exact(value.ToString("E16", Invariant));
        }

        public static string Render(object value)
        {
            if (value == null) return "null";
            if (value is string) return "string " + Quote((string)value, '"');
            if (value is bool) return "bool " + ((bool)value ? "True" : "False");
            if (value is char) return "char " + Quote(((char)value).ToString(), '\'');
            if (value is sbyte) return "sbyte " + ((sbyte)value).ToString(Invariant);
            if (value is byte) return "byte " + ((byte)value).ToString(Invariant);
            if (value is short) return "short " + ((short)value).ToString(Invariant);
            if (value is ushort) return "ushort " + ((ushort)value).ToString(Invariant);
            if (value is int) return "int " + ((int)value).ToString(Invariant);
            if (value is uint) return "uint " + ((uint)value).ToString(Invariant);
            if (value is long) return "long " + ((long)value).ToString(Invariant);
            if (value is ulong) return "ulong " + ((ulong)value).ToString(Invariant);
            if (value is float) return "float " + Floating((float)value, true);
            if (value is double) return "double " + Floating((double)value, false);
            if (value is decimal) return "decimal " + ((decimal)value).ToString(Invariant);
            if (value is DateTime) return "DateTime " + ((DateTime)value).ToString("o", Invariant) + " " + ((DateTime)value).Kind;
            if (value is DateTimeOffset) return "DateTimeOffset " + ((DateTimeOffset)value).ToString("o", Invariant);
            if (value is TimeSpan) return "TimeSpan " + ((TimeSpan)value).ToString("c", Invariant);
            if (value is Guid) return "Guid " + ((Guid)value).ToString("D");
            if (value is Enum) return value.GetType().Name + " " + value.ToString();
            if (value is JToken) return value.GetType().Name + " " + ((JToken)value).ToString(Formatting.None);
            if (value is byte[]) return "byte[] " + BitConverter.ToString((byte[])value);
            if (value is Uri) return "Uri " + ((Uri)value).AbsoluteUri;
            if (value is Exception) return "exception " + value.GetType().Name;
            if (value is StringBuilder) return "StringBuilder " + Quote(value.ToString(), '"');
            if (value is Match) return "Match " + Quote(((Match)value).Value, '"');
            if (value is Group) return "Group " + Quote(((Group)value).Value, '"');
            if (value is XNode) return value.GetType().Name + " " + ((XNode)value).ToString(SaveOptions.DisableFormatting);
            if (value is XAttribute) return "XAttribute " + value.ToString();
            if (value is XName) return "XName " + value.ToString();
            var type = value.GetType();
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KeyValuePair<,>))
            {
                var key = type.GetProperty("Key").GetValue(value, null);
                var item = type.GetProperty("Value").GetValue(value, null);
                return "pair (" + Render(key) + ", " + Render(item) + ")";
            }
            if (type.Name.Contains("AnonymousType") || type.Name.Contains("AnonType")) return "anon " + value.ToString();
            if (value is IEnumerable)
            {
                var items = new List<string>();
                foreach (var item in (IEnumerable)value) items.Add(Render(item));
                return "seq [" + string.Join(", ", items) + "]";
            }
            return type.Name + " " + Convert.ToString(value, Invariant);
        }

        public static void Run(string fixtures, string[] names, string[] fixtureNames, Func<IProxyRequestContext, object>[] cases)
        {
            Console.OutputEncoding = new UTF8Encoding(false);
            var output = new StringBuilder();
            for (int i = 0; i < cases.Length; i++)
            {
                string line;
                try
                {
                    var context = Fixture.Load(System.IO.Path.Combine(fixtures, fixtureNames[i] + ".json"));
                    line = Render(cases[i](context));
                }
                catch (Exception e)
                {
                    line = "!" + e.GetType().Name;
                }
                output.Append(names[i]).Append('\t').Append(line).Append('\n');
            }
            Console.Write(output.ToString());
        }
    }
}
