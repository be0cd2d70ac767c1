// A C# model of the APIM `context` object and APIM's extension methods, fed from the same fixture
// JSON as Gatehouse's tests. It stands in for the gateway when the oracle runs conformance cases
// through Mono's C# compiler: the expression's C# meaning (types, overloads, conversions, .NET and
// Newtonsoft behaviour) is then the real one, and only this model's members are ours.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Gatehouse.Oracle
{
    public interface IUrl
    {
        string Scheme { get; }
        string Host { get; }
        int Port { get; }
        string Path { get; }
        string QueryString { get; }
        IReadOnlyDictionary<string, string[]> Query { get; }
        Uri ToUri();
    }

    public interface IMessageBody
    {
        T As<T>(bool preserveContent = false);
        IDictionary<string, IList<string>> AsFormUrlEncodedContent(bool preserveContent = false);
    }

    public interface IRequest
    {
        string Method { get; }
        IUrl Url { get; }
        IUrl OriginalUrl { get; }
        IReadOnlyDictionary<string, string[]> Headers { get; }
        IMessageBody Body { get; }
        string IpAddress { get; }
        IReadOnlyDictionary<string, string> MatchedParameters { get; }
        IPrivateEndpointConnection PrivateEndpointConnection { get; }
        X509Certificate2 Certificate { get; }
    }

    public interface IPrivateEndpointConnection { string Name { get; } string GroupId { get; } string MemberName { get; } }
    public interface ISubscriptionKeyParameterNames { string Header { get; } string Query { get; } }
    public interface IUserIdentity { string Id { get; } string Provider { get; } }

    public interface IResponse
    {
        int StatusCode { get; }
        string StatusReason { get; }
        IReadOnlyDictionary<string, string[]> Headers { get; }
        IMessageBody Body { get; }
    }

    public interface IApi
    {
        string Id { get; }
        string Name { get; }
        string Path { get; }
        IEnumerable<string> Protocols { get; }
        IUrl ServiceUrl { get; }
        ISubscriptionKeyParameterNames SubscriptionKeyParameterNames { get; }
        bool IsCurrentRevision { get; }
        string Revision { get; }
        string Version { get; }
    }

    public interface IOperation { string Id { get; } string Method { get; } string Name { get; } string UrlTemplate { get; } }
    public interface IGroup { string Id { get; } string Name { get; } }

    public interface IProduct
    {
        string Id { get; }
        string Name { get; }
        bool ApprovalRequired { get; }
        bool SubscriptionRequired { get; }
        int? SubscriptionLimit { get; }
        ProductState State { get; }
        IEnumerable<IGroup> Groups { get; }
        IEnumerable<IApi> Apis { get; }
    }

    public interface ISubscription
    {
        string Id { get; } string Key { get; } string Name { get; } string PrimaryKey { get; } string SecondaryKey { get; }
        DateTime CreatedDate { get; } DateTime? StartDate { get; } DateTime? EndDate { get; }
    }

    public interface IUser
    {
        string Id { get; } string Email { get; } string FirstName { get; } string LastName { get; } string Note { get; }
        DateTime RegistrationDate { get; } IEnumerable<IGroup> Groups { get; }
        IEnumerable<IUserIdentity> Identities { get; }
    }

    public interface IDeployment
    {
        string GatewayId { get; } string Region { get; } string ServiceName { get; } string ServiceId { get; }
        IGateway Gateway { get; } ISustainabilityInfo SustainabilityInfo { get; }
    }

    // The policy toolkit's IGateway and ISustainabilityInfo (backends.md and
    // api-management-sustainability.md use them; the context table does not list them).
    public interface IGateway { string Id { get; } string InstanceId { get; } bool IsManaged { get; } }

    public interface ISustainabilityInfo { CarbonIntensityCategory CurrentCarbonIntensity { get; } }

    public enum CarbonIntensityCategory { NotAvailable, VeryLow, Low, Medium, High, VeryHigh }

    public interface ILastError
    {
        string Source { get; } string Reason { get; } string Message { get; } string Scope { get; }
        string Section { get; } string Path { get; } string PolicyId { get; }
    }

    public enum ProductState { NotPublished, Published }

    public interface IGraphQLContext { JObject Arguments { get; } JObject Parent { get; } }

    public interface IProxyRequestContext
    {
        IRequest Request { get; }
        IResponse Response { get; }
        IReadOnlyDictionary<string, object> Variables { get; }
        IApi Api { get; }
        IOperation Operation { get; }
        IProduct Product { get; }
        ISubscription Subscription { get; }
        IUser User { get; }
        IDeployment Deployment { get; }
        ILastError LastError { get; }
        IGraphQLContext GraphQL { get; }
        Guid RequestId { get; }
        DateTime Timestamp { get; }
        TimeSpan Elapsed { get; }
        bool Tracing { get; }
        void Trace(string message);
    }

    public class Jwt
    {
        public string Id { get; set; }
        public string Algorithm { get; set; }
        public string Issuer { get; set; }
        public string Subject { get; set; }
        public string Type { get; set; }
        public IEnumerable<string> Audiences { get; set; }
        public IReadOnlyDictionary<string, string[]> Claims { get; set; }
        public DateTime? ExpirationTime { get; set; }
        public DateTime? NotBefore { get; set; }
        public DateTime? IssuedAt { get; set; }
    }

    // What get-authorization-context stores (get-authorization-context-policy.md).
    public class Authorization
    {
        public string AccessToken { get; set; }
        public IReadOnlyDictionary<string, object> Claims { get; set; }
    }

    public class BasicAuthCredentials
    {
        public string UserId { get; set; }
        public string Password { get; set; }
    }

    // ------------------------------------------------------------------ the model

    class ModelUrl : IUrl
    {
        public string Scheme { get; set; }
        public string Host { get; set; }
        public int Port { get; set; }
        public string Path { get; set; }
        public IReadOnlyDictionary<string, string[]> Query { get; set; }
        public string QueryString
        {
            get
            {
                var parts = new List<string>();
                foreach (var pair in Query)
                    foreach (var value in pair.Value)
                        parts.Add(Uri.EscapeDataString(pair.Key) + "=" + Uri.EscapeDataString(value));
                return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
            }
        }
        public override string ToString()
        {
            bool defaultPort = (Scheme == "http" && Port == 80) || (Scheme == "https" && Port == 443) || Port < 0;
            return Scheme + "://" + Host + (defaultPort ? "" : ":" + Port) + Path + QueryString;
        }
        public Uri ToUri() { return new Uri(ToString()); }

        public static ModelUrl Parse(string text)
        {
            if (string.IsNullOrEmpty(text)) return new ModelUrl { Scheme = "", Host = "", Port = 0, Path = "", Query = new Dictionary<string, string[]>() };
            var uri = new Uri(text);
            var query = new Dictionary<string, List<string>>();
            foreach (var pair in uri.Query.TrimStart('?').Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var at = pair.IndexOf('=');
                var name = Uri.UnescapeDataString((at < 0 ? pair : pair.Substring(0, at)).Replace('+', ' '));
                var value = at < 0 ? "" : Uri.UnescapeDataString(pair.Substring(at + 1).Replace('+', ' '));
                if (!query.ContainsKey(name)) query[name] = new List<string>();
                query[name].Add(value);
            }
            return new ModelUrl
            {
                Scheme = uri.Scheme,
                Host = uri.Host,
                Port = uri.Port,
                Path = Uri.UnescapeDataString(uri.AbsolutePath),
                Query = query.ToDictionary(p => p.Key, p => p.Value.ToArray()),
            };
        }
    }

    class ModelBody : IMessageBody
    {
        readonly byte[] bytes;
        bool consumed;
        public ModelBody(byte[] bytes) { this.bytes = bytes; }
        // After a read without preserveContent the message has no body: its Body is null, and
        // a body object kept from before reads as null.
        public static IMessageBody UnlessConsumed(IMessageBody body)
        {
            var model = body as ModelBody;
            return model != null && model.consumed ? null : body;
        }

        byte[] Read(bool preserve)
        {
            var result = consumed ? new byte[0] : bytes;
            if (!preserve) consumed = true;
            return result;
        }

        public T As<T>(bool preserveContent = false)
        {
            if (consumed) return default(T);
            var data = Read(preserveContent);
            var text = Encoding.UTF8.GetString(data).TrimStart('\uFEFF');
            object result;
            if (typeof(T) == typeof(string)) result = text;
            else if (typeof(T) == typeof(byte[])) result = data;
            else if (typeof(T) == typeof(JObject)) result = JObject.Parse(text);
            else if (typeof(T) == typeof(JArray)) result = JArray.Parse(text);
            else if (typeof(T) == typeof(JToken)) result = JToken.Parse(text);
            else if (typeof(T) == typeof(XDocument)) result = XDocument.Parse(text);
            else if (typeof(T) == typeof(XElement)) result = XElement.Parse(text);
            else if (typeof(T) == typeof(XNode)) result = XDocument.Parse(text);
            else throw new NotSupportedException("cannot read the body as " + typeof(T));
            return (T)result;
        }

        public IDictionary<string, IList<string>> AsFormUrlEncodedContent(bool preserveContent = false)
        {
            if (consumed) return null;
            var text = Encoding.UTF8.GetString(Read(preserveContent));
            var result = new Dictionary<string, IList<string>>();
            foreach (var pair in text.Split(new[] { '&' }, StringSplitOptions.RemoveEmptyEntries))
            {
                var at = pair.IndexOf('=');
                var name = Uri.UnescapeDataString((at < 0 ? pair : pair.Substring(0, at)).Replace('+', ' '));
                var value = at < 0 ? "" : Uri.UnescapeDataString(pair.Substring(at + 1).Replace('+', ' '));
                if (!result.ContainsKey(name)) result[name] = new List<string>();
                result[name].Add(value);
            }
            return result;
        }
    }

    class ModelRequest : IRequest
    {
        public string Method { get; set; }
        public IUrl Url { get; set; }
        public IUrl OriginalUrl { get; set; }
        public IReadOnlyDictionary<string, string[]> Headers { get; set; }
        IMessageBody body;
        public IMessageBody Body { get { return ModelBody.UnlessConsumed(body); } set { body = value; } }
        public string IpAddress { get; set; }
        public IReadOnlyDictionary<string, string> MatchedParameters { get; set; }
        public IPrivateEndpointConnection PrivateEndpointConnection { get; set; }
        public X509Certificate2 Certificate { get; set; }
    }

    class ModelPrivateEndpointConnection : IPrivateEndpointConnection { public string Name { get; set; } public string GroupId { get; set; } public string MemberName { get; set; } }
    class ModelSubscriptionKeyParameterNames : ISubscriptionKeyParameterNames { public string Header { get; set; } public string Query { get; set; } }
    class ModelUserIdentity : IUserIdentity { public string Id { get; set; } public string Provider { get; set; } }

    class ModelResponse : IResponse
    {
        public int StatusCode { get; set; }
        public string StatusReason { get; set; }
        public IReadOnlyDictionary<string, string[]> Headers { get; set; }
        IMessageBody body;
        public IMessageBody Body { get { return ModelBody.UnlessConsumed(body); } set { body = value; } }
    }

    class ModelApi : IApi
    {
        public string Id { get; set; } public string Name { get; set; } public string Path { get; set; }
        public IEnumerable<string> Protocols { get; set; } public IUrl ServiceUrl { get; set; }
        public ISubscriptionKeyParameterNames SubscriptionKeyParameterNames { get; set; }
        public bool IsCurrentRevision { get; set; } public string Revision { get; set; } public string Version { get; set; }
    }

    class ModelOperation : IOperation { public string Id { get; set; } public string Method { get; set; } public string Name { get; set; } public string UrlTemplate { get; set; } }
    class ModelGroup : IGroup { public string Id { get; set; } public string Name { get; set; } }

    class ModelProduct : IProduct
    {
        public string Id { get; set; } public string Name { get; set; } public bool ApprovalRequired { get; set; }
        public bool SubscriptionRequired { get; set; } public int? SubscriptionLimit { get; set; } public ProductState State { get; set; }
        public IEnumerable<IGroup> Groups { get; set; }
        public IEnumerable<IApi> Apis { get; set; }
    }

    class ModelSubscription : ISubscription
    {
        public string Id { get; set; } public string Key { get; set; } public string Name { get; set; }
        public string PrimaryKey { get; set; } public string SecondaryKey { get; set; }
        public DateTime CreatedDate { get; set; } public DateTime? StartDate { get; set; } public DateTime? EndDate { get; set; }
    }

    class ModelUser : IUser
    {
        public string Id { get; set; } public string Email { get; set; } public string FirstName { get; set; }
        public string LastName { get; set; } public string Note { get; set; } public DateTime RegistrationDate { get; set; }
        public IEnumerable<IGroup> Groups { get; set; }
        public IEnumerable<IUserIdentity> Identities { get; set; }
    }

    class ModelDeployment : IDeployment
    {
        public string GatewayId { get; set; } public string Region { get; set; } public string ServiceName { get; set; } public string ServiceId { get; set; }
        public string InstanceId { get; set; } public bool IsManaged { get; set; } public CarbonIntensityCategory Carbon { get; set; }
        public IGateway Gateway { get { return new ModelGateway { Id = GatewayId, InstanceId = InstanceId, IsManaged = IsManaged }; } }
        public ISustainabilityInfo SustainabilityInfo { get { return new ModelSustainabilityInfo { CurrentCarbonIntensity = Carbon }; } }
    }

    class ModelGateway : IGateway { public string Id { get; set; } public string InstanceId { get; set; } public bool IsManaged { get; set; } }

    class ModelSustainabilityInfo : ISustainabilityInfo { public CarbonIntensityCategory CurrentCarbonIntensity { get; set; } }

    class ModelGraphQLContext : IGraphQLContext { public JObject Arguments { get; set; } public JObject Parent { get; set; } }

    class ModelLastError : ILastError
    {
        public string Source { get; set; } public string Reason { get; set; } public string Message { get; set; }
        public string Scope { get; set; } public string Section { get; set; } public string Path { get; set; } public string PolicyId { get; set; }
    }

    class ModelContext : IProxyRequestContext
    {
        public IRequest Request { get; set; }
        public IResponse Response { get; set; }
        public IReadOnlyDictionary<string, object> Variables { get; set; }
        public IApi Api { get; set; }
        public IOperation Operation { get; set; }
        public IProduct Product { get; set; }
        public ISubscription Subscription { get; set; }
        public IUser User { get; set; }
        public IDeployment Deployment { get; set; }
        public ILastError LastError { get; set; }
        public IGraphQLContext GraphQL { get; set; }
        public Guid RequestId { get; set; }
        public DateTime Timestamp { get; set; }
        public TimeSpan Elapsed { get; set; }
        public bool Tracing { get; set; }
        public readonly List<string> Traces = new List<string>();
        public void Trace(string message) { Traces.Add(message); }
    }

    // ------------------------------------------------------------------ fixture reading

    public static class Fixture
    {
        static JToken Get(JToken token, string name) { var o = token as JObject; return o == null ? null : o[name]; }
        static string Text(JToken token, string name) { var v = Get(token, name); return v == null || v.Type == JTokenType.Null ? "" : (string)v; }
        static string OptionalText(JToken token, string name) { var v = Get(token, name); return v == null || v.Type == JTokenType.Null ? null : (string)v; }

        static DateTime? Date(JToken token, string name)
        {
            var text = OptionalText(token, name);
            if (text == null) return null;
            return DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);
        }

        static IReadOnlyDictionary<string, string[]> Headers(JToken token, string name)
        {
            var result = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
            var headers = Get(token, name) as JObject;
            if (headers == null) return result;
            foreach (var property in headers.Properties())
            {
                var values = property.Value.Type == JTokenType.Array
                    ? property.Value.Select(v => (string)v).ToArray()
                    : new[] { (string)property.Value };
                result[property.Name] = values;
            }
            return result;
        }

        static IMessageBody Body(JToken token)
        {
            var body = Get(token, "body");
            if (body == null || body.Type == JTokenType.Null) return null;
            var text = body.Type == JTokenType.String ? (string)body : body.ToString(Formatting.None);
            return new ModelBody(Encoding.UTF8.GetBytes(text));
        }

        static ModelResponse ResponseOf(JToken token)
        {
            var status = Get(token, "statusCode");
            var reason = Text(token, "statusReason");
            return new ModelResponse
            {
                StatusCode = status == null ? 200 : (int)status,
                StatusReason = reason == "" ? "OK" : reason,
                Headers = Headers(token, "headers"),
                Body = Body(token),
            };
        }

        static IApi ApiOf(JToken api)
        {
            return new ModelApi
            {
                Id = Text(api, "id"), Name = Text(api, "name"), Path = Text(api, "path"),
                Protocols = (Get(api, "protocols") as JArray ?? new JArray()).Select(v => (string)v).ToArray(),
                ServiceUrl = ModelUrl.Parse(Text(api, "serviceUrl")),
                SubscriptionKeyParameterNames = new ModelSubscriptionKeyParameterNames { Header = Text(api, "subscriptionKeyHeader"), Query = Text(api, "subscriptionKeyQuery") },
                IsCurrentRevision = Get(api, "isCurrentRevision") == null || (bool)Get(api, "isCurrentRevision"),
                Revision = Text(api, "revision"), Version = OptionalText(api, "version"),
            };
        }

        static IPrivateEndpointConnection PrivateEndpoint(JToken request)
        {
            var connection = request == null ? null : Get(request, "privateEndpointConnection") as JObject;
            return connection == null ? null : new ModelPrivateEndpointConnection { Name = Text(connection, "name"), GroupId = Text(connection, "groupId"), MemberName = Text(connection, "memberName") };
        }

        static IEnumerable<IGroup> Groups(JToken token)
        {
            var groups = Get(token, "groups") as JArray;
            return groups == null ? new IGroup[0] : groups.Select(g => (IGroup)new ModelGroup { Id = Text(g, "id"), Name = Text(g, "name") }).ToArray();
        }

        static object Variable(JToken token)
        {
            var type = Text(token, "type");
            var value = Get(token, "value");
            switch (type)
            {
                case "string": return value.Type == JTokenType.Null ? null : (string)value;
                case "int": return (int)value;
                case "long": return (long)value;
                case "bool": return (bool)value;
                case "double": return (double)value;
                case "decimal": return decimal.Parse((string)value, CultureInfo.InvariantCulture);
                case "Guid": return Guid.Parse((string)value);
                case "DateTime":
                    {
                        var text = (string)value;
                        bool zoned = text.EndsWith("Z") || text.Contains("+");
                        return zoned
                            ? DateTime.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal)
                            : DateTime.Parse(text, CultureInfo.InvariantCulture);
                    }
                case "string[]": return value.Select(v => (string)v).ToArray();
                case "JObject":
                case "JArray":
                case "JToken": return JToken.Parse(value.ToString(Formatting.None));
                case "IResponse": return ResponseOf(value);
                case "Authorization":
                    return new Authorization
                    {
                        AccessToken = Text(value, "accessToken"),
                        Claims = (Get(value, "claims") as JObject ?? new JObject()).Properties().ToDictionary(p => p.Name, p => ((JValue)p.Value).Value),
                    };
                default: throw new ArgumentException("unsupported variable type " + type);
            }
        }

        public static IProxyRequestContext Load(string path)
        {
            // Dates stay text while the fixture is read, as Gatehouse reads it.
            var root = (JObject)JsonConvert.DeserializeObject(System.IO.File.ReadAllText(path), new JsonSerializerSettings { DateParseHandling = DateParseHandling.None });
            var context = new ModelContext { Deployment = new ModelDeployment { GatewayId = "", Region = "", ServiceName = "", ServiceId = "", InstanceId = "" } };
            var request = Get(root, "request");
            var url = request == null ? null : ModelUrl.Parse(Text(request, "url"));
            var original = request == null ? null : OptionalText(request, "originalUrl");
            var matched = new Dictionary<string, string>();
            var parameters = request == null ? null : Get(request, "matchedParameters") as JObject;
            if (parameters != null)
                foreach (var p in parameters.Properties()) matched[p.Name] = (string)p.Value;
            context.Request = new ModelRequest
            {
                Method = request == null || Text(request, "method") == "" ? "GET" : Text(request, "method"),
                Url = url ?? ModelUrl.Parse(""),
                OriginalUrl = original == null ? (url ?? ModelUrl.Parse("")) : ModelUrl.Parse(original),
                Headers = request == null ? new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) : Headers(request, "headers"),
                Body = request == null ? null : Body(request),
                IpAddress = request == null ? "" : Text(request, "ipAddress"),
                MatchedParameters = matched,
                PrivateEndpointConnection = PrivateEndpoint(request),
                Certificate = request == null || OptionalText(request, "certificate") == null
                    ? null
                    : new X509Certificate2(Convert.FromBase64String(OptionalText(request, "certificate"))),
            };
            var response = Get(root, "response");
            context.Response = response == null
                ? new ModelResponse { StatusCode = 200, StatusReason = "OK", Headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase) }
                : ResponseOf(response);
            var variables = new Dictionary<string, object>();
            var vars = Get(root, "variables") as JObject;
            if (vars != null)
                foreach (var p in vars.Properties()) variables[p.Name] = Variable(p.Value);
            context.Variables = variables;
            var api = Get(root, "api") as JObject;
            if (api != null)
                context.Api = ApiOf(api);
            var op = Get(root, "operation") as JObject;
            if (op != null)
                context.Operation = new ModelOperation { Id = Text(op, "id"), Method = Text(op, "method"), Name = Text(op, "name"), UrlTemplate = Text(op, "urlTemplate") };
            var product = Get(root, "product") as JObject;
            if (product != null)
                context.Product = new ModelProduct
                {
                    Id = Text(product, "id"), Name = Text(product, "name"),
                    ApprovalRequired = Get(product, "approvalRequired") != null && (bool)Get(product, "approvalRequired"),
                    SubscriptionRequired = Get(product, "subscriptionRequired") == null || (bool)Get(product, "subscriptionRequired"),
                    SubscriptionLimit = (int?)Get(product, "subscriptionLimit"), State = string.Equals(Text(product, "state"), "published", StringComparison.OrdinalIgnoreCase) ? ProductState.Published : ProductState.NotPublished, Groups = Groups(product),
                    Apis = (Get(product, "apis") as JArray ?? new JArray()).Select(ApiOf).ToArray(),
                };
            var s = Get(root, "subscription") as JObject;
            if (s != null)
                context.Subscription = new ModelSubscription
                {
                    Id = Text(s, "id"), Key = Text(s, "key"), Name = Text(s, "name"), PrimaryKey = Text(s, "primaryKey"), SecondaryKey = Text(s, "secondaryKey"),
                    CreatedDate = Date(s, "createdDate") ?? new DateTime(0, DateTimeKind.Utc), StartDate = Date(s, "startDate"), EndDate = Date(s, "endDate"),
                };
            var u = Get(root, "user") as JObject;
            if (u != null)
                context.User = new ModelUser
                {
                    Id = Text(u, "id"), Email = Text(u, "email"), FirstName = Text(u, "firstName"), LastName = Text(u, "lastName"), Note = Text(u, "note"),
                    RegistrationDate = Date(u, "registrationDate") ?? new DateTime(0, DateTimeKind.Utc), Groups = Groups(u),
                    Identities = (Get(u, "identities") as JArray ?? new JArray()).Select(i => (IUserIdentity)new ModelUserIdentity { Id = Text(i, "id"), Provider = Text(i, "provider") }).ToArray(),
                };
            var d = Get(root, "deployment") as JObject;
            if (d != null)
            {
                // Gateway.Id is gatewayId; without gateway.isManaged, "managed" says it.
                var g = Get(d, "gateway") as JObject;
                var managed = g == null ? null : (bool?)Get(g, "isManaged");
                var carbon = CarbonIntensityCategory.NotAvailable;
                if (Get(d, "carbonIntensity") != null) Enum.TryParse(Text(d, "carbonIntensity"), false, out carbon);
                context.Deployment = new ModelDeployment
                {
                    GatewayId = Text(d, "gatewayId"), Region = Text(d, "region"), ServiceName = Text(d, "serviceName"), ServiceId = Text(d, "serviceId"),
                    InstanceId = g == null ? "" : Text(g, "instanceId"), IsManaged = managed ?? Text(d, "gatewayId") == "managed", Carbon = carbon,
                };
            }
            var e = Get(root, "lastError") as JObject;
            if (e != null)
                context.LastError = new ModelLastError
                {
                    Source = OptionalText(e, "source"), Reason = OptionalText(e, "reason"), Message = OptionalText(e, "message"),
                    Scope = OptionalText(e, "scope"), Section = OptionalText(e, "section"), Path = OptionalText(e, "path"), PolicyId = OptionalText(e, "policyId"),
                };
            var graphql = Get(root, "graphql") as JObject;
            if (graphql != null)
                context.GraphQL = new ModelGraphQLContext
                {
                    Arguments = (JObject)JToken.Parse((Get(graphql, "arguments") ?? new JObject()).ToString(Formatting.None)),
                    Parent = (JObject)JToken.Parse((Get(graphql, "parent") ?? new JObject()).ToString(Formatting.None)),
                };
            var id = OptionalText(root, "requestId");
            if (id != null) context.RequestId = Guid.Parse(id);
            context.Timestamp = Date(root, "timestamp") ?? new DateTime(0, DateTimeKind.Utc);
            var elapsed = Get(root, "elapsedMilliseconds");
            if (elapsed != null) context.Elapsed = TimeSpan.FromMilliseconds((long)elapsed);
            context.Tracing = Get(root, "tracing") != null && (bool)Get(root, "tracing");
            return context;
        }
    }

    // ------------------------------------------------------------------ APIM's extension methods

    // APIM's name for the class of its extension methods, which policies can call statically.
    public static class ExpressionSyntaxExtensions
    {
        // APIM's counterpart of AsFormUrlEncodedContent; modelled on .NET's FormUrlEncodedContent
        // (Uri.EscapeDataString, then %20 as +), as Gatehouse implements it.
        public static string ToFormUrlEncodedContent(this IDictionary<string, IList<string>> form)
        {
            Func<string, string> encode = text => Uri.EscapeDataString(text).Replace("%20", "+");
            return string.Join("&", form.SelectMany(pair => pair.Value.Select(value => encode(pair.Key) + "=" + encode(value))));
        }

        public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> dictionary, string name)
        {
            return GetValueOrDefault(dictionary, name, null);
        }

        public static string GetValueOrDefault(this IReadOnlyDictionary<string, string[]> dictionary, string name, string defaultValue)
        {
            if (dictionary == null) return defaultValue;
            if (name == null) throw new ArgumentNullException("name");
            string[] values;
            return dictionary.TryGetValue(name, out values) ? string.Join(",", values) : defaultValue;
        }

        public static T GetValueOrDefault<T>(this IReadOnlyDictionary<string, object> variables, string name)
        {
            return GetValueOrDefault(variables, name, default(T));
        }

        public static T GetValueOrDefault<T>(this IReadOnlyDictionary<string, object> variables, string name, T defaultValue)
        {
            if (variables == null) return defaultValue;
            if (name == null) throw new ArgumentNullException("name");
            object value;
            if (!variables.TryGetValue(name, out value)) return defaultValue;
            if (value == null) return default(T);
            return (T)value;
        }

        static byte[] Base64Url(string text)
        {
            var standard = text.Replace('-', '+').Replace('_', '/');
            while (standard.Length % 4 != 0) standard += "=";
            return Convert.FromBase64String(standard);
        }

        static IEnumerable<string> ClaimValues(JToken value)
        {
            if (value.Type == JTokenType.Array) return value.SelectMany(ClaimValues).ToArray();
            if (value.Type == JTokenType.Null) return new string[0];
            if (value.Type == JTokenType.String) return new[] { (string)value };
            if (value.Type == JTokenType.Object) return new[] { value.ToString(Formatting.None) };
            return new[] { value.ToString(Formatting.None).Trim('"') };
        }

        static DateTime? UnixTime(JToken value)
        {
            if (value == null) return null;
            long seconds;
            if (value.Type == JTokenType.Integer) seconds = (long)value;
            else if (value.Type == JTokenType.Float) seconds = (long)(double)value;
            else if (value.Type == JTokenType.String && long.TryParse((string)value, out seconds)) { }
            else return null;
            return new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(seconds);
        }

        public static Jwt AsJwt(this string value)
        {
            Jwt jwt;
            return TryParseJwt(value, out jwt) ? jwt : null;
        }

        public static bool TryParseJwt(this string value, out Jwt result)
        {
            result = null;
            if (value == null) return false;
            try
            {
                var token = value.Trim();
                if (token.StartsWith("Bearer ") || token.StartsWith("bearer ")) token = token.Substring(7).Trim();
                var parts = token.Split('.');
                if (parts.Length < 2) return false;
                var settings = new JsonSerializerSettings { DateParseHandling = DateParseHandling.None };
                var header = JsonConvert.DeserializeObject(Encoding.UTF8.GetString(Base64Url(parts[0])), settings) as JObject;
                var payload = JsonConvert.DeserializeObject(Encoding.UTF8.GetString(Base64Url(parts[1])), settings) as JObject;
                if (header == null || payload == null) return false;
                Func<JObject, string, string> first = (o, n) => o[n] == null ? null : ClaimValues(o[n]).FirstOrDefault();
                result = new Jwt
                {
                    Id = first(payload, "jti"),
                    Algorithm = first(header, "alg"),
                    Issuer = first(payload, "iss"),
                    Subject = first(payload, "sub"),
                    Type = first(header, "typ"),
                    Audiences = payload["aud"] == null ? new string[0] : ClaimValues(payload["aud"]).ToArray(),
                    Claims = payload.Properties().ToDictionary(p => p.Name, p => ClaimValues(p.Value).ToArray()),
                    ExpirationTime = UnixTime(payload["exp"]),
                    NotBefore = UnixTime(payload["nbf"]),
                    IssuedAt = UnixTime(payload["iat"]),
                };
                return true;
            }
            catch (FormatException) { return false; }
            catch (JsonException) { return false; }
            catch (ArgumentException) { return false; }
        }

        public static BasicAuthCredentials AsBasic(this string value)
        {
            BasicAuthCredentials credentials;
            return TryParseBasic(value, out credentials) ? credentials : null;
        }

        public static bool TryParseBasic(this string value, out BasicAuthCredentials result)
        {
            result = null;
            if (value == null) return false;
            var trimmed = value.Trim();
            var space = trimmed.IndexOf(' ');
            if (space < 0 || !trimmed.Substring(0, space).Equals("basic", StringComparison.OrdinalIgnoreCase)) return false;
            byte[] bytes;
            try { bytes = Convert.FromBase64String(trimmed.Substring(space + 1).Trim()); }
            catch (FormatException) { return false; }
            var decoded = Encoding.GetEncoding("iso-8859-1").GetString(bytes);
            var colon = decoded.IndexOf(':');
            if (colon < 0) return false;
            result = new BasicAuthCredentials { UserId = decoded.Substring(0, colon), Password = decoded.Substring(colon + 1) };
            return true;
        }

        static byte[] Crypt(byte[] input, string alg, byte[] key, byte[] iv, bool encrypt)
        {
            if (input == null) throw new ArgumentNullException("input");
            if (alg == null) throw new ArgumentNullException("alg");
            if (!alg.Equals("Aes", StringComparison.OrdinalIgnoreCase)) throw new NotSupportedException(alg);
            using (var aes = Aes.Create())
            {
                aes.Key = key;
                aes.IV = iv;
                using (var transform = encrypt ? aes.CreateEncryptor() : aes.CreateDecryptor())
                    return transform.TransformFinalBlock(input, 0, input.Length);
            }
        }

        public static byte[] Encrypt(this byte[] input, string alg, byte[] key, byte[] iv) { return Crypt(input, alg, key, iv, true); }
        public static byte[] Decrypt(this byte[] input, string alg, byte[] key, byte[] iv) { return Crypt(input, alg, key, iv, false); }
    }
}
