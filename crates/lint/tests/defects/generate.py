"""Writes the seeded-defect documents: one clean base, one defect each (see README.md)."""

BASE_INBOUND = [
    '        <base />',
    '        <set-variable name="user" value="@(context.Request.Headers.GetValueOrDefault(&quot;X-User&quot;, &quot;anonymous&quot;))" />',
    '        <rate-limit-by-key calls="10" renewal-period="60" counter-key="@((string)context.Variables[&quot;user&quot;])" />',
    '        <set-header name="X-User" exists-action="override">',
    '            <value>@((string)context.Variables["user"])</value>',
    '        </set-header>',
]


def document(inbound_extra=(), backend=('        <base />',), outbound=('        <base />',), sections=None):
    lines = ['<policies>', '    <inbound>'] + BASE_INBOUND + list(inbound_extra) + ['    </inbound>']
    if not any('<base />' in line for line in backend):
        # Cutting inheritance is deliberate in these documents; only the seeded defect counts.
        lines.append('    <!-- gatehouse-disable-next-line GH0214 -->')
    lines += ['    <backend>'] + list(backend) + ['    </backend>']
    lines += ['    <outbound>'] + list(outbound) + ['    </outbound>']
    lines += ['    <on-error>', '        <base />', '    </on-error>', '</policies>']
    return lines


# A validate-jwt needs keys (GH0260) and, with a provider's keys, an audience (GH0261); the
# documents that seed another defect in one give it these.
OPENID_CONFIG = '            <openid-config url="https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration" />\n            <audiences><audience>api://orders</audience></audiences>'

# (file name, code, lines of the document, target text whose first character is where the
# diagnostic must start, which occurrence of the target, scope)
DEFECTS = []


def add(name, code, lines, target, occurrence=1, scope=None, shift=0):
    DEFECTS.append((name, code, lines, target, occurrence, scope, shift))


def inbound(name, code, snippet, target, occurrence=1, scope=None, shift=0):
    add(name, code, document(inbound_extra=snippet), target, occurrence, scope, shift)


inbound('unknown-policy', 'GH0200', ['        <set-heders name="X-A" exists-action="delete" />'], 'set-heders')
inbound('unknown-policy-misspelt-dapr', 'GH0200', ['        <publish-to-darp topic="t">@("m")</publish-to-darp>'], 'publish-to-darp')
add('wrong-section-forward', 'GH0201', document(inbound_extra=['        <forward-request />']), 'forward-request')
add('wrong-section-jsonp', 'GH0201', document(inbound_extra=['        <jsonp callback-parameter-name="cb" />']), 'jsonp')
inbound('wrong-scope-quota', 'GH0202', ['        <quota calls="10" renewal-period="60" />'], 'quota', scope='api')
inbound('wrong-scope-cross-domain', 'GH0202', ['        <cross-domain />'], 'cross-domain', scope='operation')
inbound('missing-attribute-name', 'GH0203', ['        <set-variable value="1" />'], 'set-variable', 2)
inbound('missing-attribute-resource', 'GH0203', ['        <authentication-managed-identity client-id="{{mi-client}}" />'], 'authentication-managed-identity')
inbound('unknown-attribute', 'GH0204', ['        <set-header name="X-A" exist-action="delete" />'], 'exist-action')
inbound('unknown-attribute-on-config', 'GH0204', [
    '        <send-request mode="new" response-variable-name="r" timeout="5">',
    '            <set-url>https://example.com/</set-url>',
    '            <set-method>GET</set-method>',
    '            <authentication-managed-identity resource="https://example.com" client="x" />',
    '        </send-request>',
    '        <set-header name="X-R" exists-action="override"><value>@(((IResponse)context.Variables["r"]).StatusCode.ToString())</value></set-header>',
], 'client=')
inbound('bad-enum', 'GH0205', ['        <set-header name="X-A" exists-action="remove" />'], 'remove')
inbound('bad-enum-trace', 'GH0205', ['        <trace source="s" severity="debug"><message>m</message></trace>'], 'debug')
add('bad-boolean', 'GH0206', document(backend=['        <forward-request buffer-request-body="yes" />']), 'yes')
inbound('bad-integer', 'GH0207', ['        <rate-limit calls="ten" renewal-period="60" />'], 'ten')
inbound('bad-duration', 'GH0208', ['        <validate-jwt header-name="Authorization" clock-skew="5m">', OPENID_CONFIG, '        </validate-jwt>'], '5m')
inbound('expression-not-allowed', 'GH0209', ['        <rate-limit calls="@(5)" renewal-period="60" />'], '@(5)')
inbound('expression-not-allowed-fragment-id', 'GH0209', ['        <include-fragment fragment-id="@("f")" />'], '@("f")')
inbound('child-order-choose', 'GH0210', [
    '        <choose>',
    '            <otherwise />',
    '            <when condition="@(true)" />',
    '        </choose>',
], 'when condition')
inbound('child-order-send-request', 'GH0210', [
    '        <send-request mode="new" response-variable-name="r">',
    '            <set-method>GET</set-method>',
    '            <set-url>https://example.com/</set-url>',
    '        </send-request>',
    '        <set-header name="X-R" exists-action="override"><value>@(((IResponse)context.Variables["r"]).StatusCode.ToString())</value></set-header>',
], 'set-url>')
add('duplicate-jsonp', 'GH0211', document(outbound=['        <base />', '        <jsonp callback-parameter-name="cb" />', '        <jsonp callback-parameter-name="callback" />']), 'jsonp', 2)
add('duplicate-forward-request', 'GH0211', document(backend=['        <forward-request />', '        <forward-request />']), 'forward-request', 2)
inbound('unreachable', 'GH0212', [
    '        <return-response><set-status code="204" reason="No Content" /></return-response>',
    '        <set-header name="X-A" exists-action="delete" />',
], 'set-header name="X-A"')
add('no-forward-request', 'GH0213', document(backend=['        <set-header name="X-A" exists-action="delete" />']), 'backend>')
add('missing-base', 'GH0214', document(outbound=['        <set-header name="X-A" exists-action="delete" />']), 'outbound>')
inbound('secret-basic', 'GH0215', ['        <authentication-basic username="u" password="p4ssw0rd" />'], 'p4ssw0rd')
inbound('secret-header', 'GH0215', ['        <set-header name="x-functions-key" exists-action="override"><value>abc123==</value></set-header>'], 'abc123')
inbound('variable-never-set', 'GH0216', ['        <set-header name="X-B" exists-action="override"><value>@((string)context.Variables["usr"])</value></set-header>'], '"usr"')
inbound('output-variable-unused', 'GH0217', ['        <authentication-managed-identity resource="https://vault.azure.net" output-token-variable-name="kv-token" />'], 'kv-token')
inbound('unknown-child', 'GH0218', ['        <set-header name="X-A" exists-action="override"><values>a</values></set-header>'], 'values>')
inbound('missing-child', 'GH0219', ['        <choose><otherwise><set-header name="X-A" exists-action="delete" /></otherwise></choose>'], 'choose')
inbound('duplicate-child', 'GH0220', [
    '        <validate-jwt header-name="Authorization">',
    OPENID_CONFIG,
    '            <audiences><audience>a</audience></audiences>',
    '            <audiences><audience>b</audience></audiences>',
    '        </validate-jwt>',
], 'audiences>', 3)
add('unknown-section', 'GH0221', ['<policies>', '    <inbound>'] + BASE_INBOUND + ['    </inbound>', '    <backends>', '        <base />', '    </backends>', '</policies>'], 'backends>')
add('duplicate-section', 'GH0222', ['<policies>', '    <inbound>'] + BASE_INBOUND + ['    </inbound>', '    <backend>', '        <base />', '    </backend>', '    <backend>', '        <base />', '    </backend>', '</policies>'], 'backend>', 3)
add('section-order', 'GH0223', ['<policies>', '    <outbound>', '        <base />', '    </outbound>', '    <inbound>'] + BASE_INBOUND + ['    </inbound>', '</policies>'], 'inbound>')
add('base-at-global', 'GH0224', ['<policies>', '    <inbound>', '        <base />', '    </inbound>', '    <backend>', '        <forward-request />', '    </backend>', '</policies>'], 'base', 1, scope='global')
add('base-in-fragment', 'GH0225', ['<fragment>', '    <base />', '    <set-header name="X-A" exists-action="delete" />', '</fragment>'], 'base')
inbound('duplicate-base', 'GH0226', ['        <base />'], 'base', 2)
add('nested-fragment', 'GH0228', ['<fragment>', '    <include-fragment fragment-id="common" />', '</fragment>'], 'include-fragment')
inbound('misplaced-base', 'GH0230', ['        <choose><when condition="@(true)"><base /></when></choose>'], 'base />', 2)
inbound('missing-text', 'GH0231', ['        <log-to-eventhub logger-id="l" />'], 'log-to-eventhub')
inbound('conflicting-attributes', 'GH0234', ['        <validate-jwt header-name="Authorization" token-value="@(&quot;x&quot;)">', OPENID_CONFIG, '        </validate-jwt>'], 'token-value')
inbound('missing-one-of', 'GH0235', ['        <quota-by-key counter-key="k" renewal-period="60" />'], 'quota-by-key')
inbound('out-of-range', 'GH0238', ['        <rate-limit calls="5" renewal-period="3600" />'], '3600')
inbound('not-allowed-in-wait', 'GH0239', ['        <wait><set-header name="X-A" exists-action="delete" /></wait>'], 'set-header name="X-A"')
inbound('empty-identifier', 'GH0241', ['        <include-fragment fragment-id="" />'], '"" />', shift=1)
add('protected-header', 'GH0243', document(outbound=['        <base />', '        <set-header name="Transfer-Encoding" exists-action="delete" />']), 'Transfer-Encoding')
add('retry-without-buffer', 'GH0244', document(backend=['        <retry condition="@(context.Response.StatusCode == 503)" count="2" interval="1">', '            <forward-request />', '        </retry>']), 'forward-request')
inbound('cors-not-first', 'GH0245', ['        <cors><allowed-origins><origin>*</origin></allowed-origins><allowed-headers><header>*</header></allowed-headers></cors>'], 'cors>')
inbound('send-request-without-url', 'GH0246', [
    '        <send-request response-variable-name="r"><set-method>GET</set-method></send-request>',
    '        <set-header name="X-R" exists-action="override"><value>@(((IResponse)context.Variables["r"]).StatusCode.ToString())</value></set-header>',
], 'send-request response')
inbound('bad-method', 'GH0249', ['        <set-method>G3T</set-method>'], 'G3T')
inbound('bad-status', 'GH0250', ['        <return-response><set-status code="42" reason="Odd" /></return-response>'], '42')
inbound('bad-url', 'GH0251', ['        <set-backend-service base-url="ftp://files.example.com" />'], 'ftp://')
inbound('expression-syntax', 'GH0100', ['        <set-header name="X-A" exists-action="override"><value>@(context.Request.Headers..Count)</value></set-header>'], '.Count')
inbound('expression-unknown-member', 'GH0104', ['        <set-header name="X-A" exists-action="override"><value>@(context.Request.Hedaers.Count.ToString())</value></set-header>'], 'Hedaers')
inbound('increment-condition-not-bool', 'GH0110', ['        <rate-limit-by-key calls="5" renewal-period="60" counter-key="k" increment-condition="@(context.Response.StatusCode)" />'], 'context.Response.StatusCode)')
inbound('condition-not-bool', 'GH0110', ['        <choose><when condition="@(context.Request.Method)"><set-header name="X-A" exists-action="delete" /></when></choose>'], 'context.Request.Method)')
inbound('number-attribute-given-an-object', 'GH0110', [
    '        <send-request mode="new" response-variable-name="r" timeout="@(context.Request.Body.As&lt;JObject&gt;())">',
    '            <set-url>https://backend.example.com/check</set-url>',
    '            <set-method>GET</set-method>',
    '        </send-request>',
    '        <set-header name="X-R" exists-action="override"><value>@(((IResponse)context.Variables["r"]).StatusCode.ToString())</value></set-header>',
], 'context.Request.Body.As', shift=0)
inbound('toolkit-only-attribute', 'GH0253', ['        <quota-by-key counter-key="k" calls="5" renewal-period="3600" increment-count="2" />'], 'increment-count')
inbound('legacy-trace', 'GH0252', ['        <trace source="orders">order received</trace>'], 'order received')
# An unclosed leaf policy: the reader reports the end tag; what it swallowed is still read
# as its siblings, so nothing more is reported (no GH0218 for set-header, no GH0216).
inbound('unclosed-leaf-policy', 'GH0007', [
    '        <set-variable name="late" value="1">',
    '        <set-header name="X-Late" exists-action="override"><value>@((string)context.Variables["late"])</value></set-header>',
], '</inbound>')
# The same inside a policy: `<set-method>GET` left open swallows the set-header after it.
inbound('unclosed-leaf-configuration', 'GH0007', [
    '        <send-request mode="new" response-variable-name="probe" timeout="5">',
    '            <set-url>https://backend.example.com/probe</set-url>',
    '            <set-method>GET',
    '            <set-header name="X-Probe" exists-action="override"><value>1</value></set-header>',
    '        </send-request>',
    '        <set-header name="X-Probe-Status" exists-action="override"><value>@(((IResponse)context.Variables["probe"]).StatusCode.ToString())</value></set-header>',
], '</send-request>')
# Text beside an expression makes the whole value literal text: the key is the same for all.
inbound('expression-in-text', 'GH0035', ['        <cache-lookup-value key="profile-@((string)context.Variables[&quot;user&quot;])" variable-name="profile" />', '        <set-header name="X-Profile" exists-action="override"><value>@((string)context.Variables["profile"])</value></set-header>'], '@((string)context.Variables[&quot;user&quot;])', 2)
# A literal value is a string: reading it as a bool throws on every request.
inbound('variable-type-mismatch', 'GH0255', ['        <set-variable name="trusted" value="true" />', '        <set-header name="X-Trusted" exists-action="override"><value>@(((bool)context.Variables["trusted"]).ToString())</value></set-header>'], '(bool)context')

import os
import re

for old in os.listdir('.'):
    if re.match(r'\d\d-.*\.xml$', old):
        os.remove(old)

for index, (name, code, lines, target, occurrence, scope, shift) in enumerate(DEFECTS, start=1):
    body = '\n'.join(lines) + '\n'
    # Position of the `occurrence`-th target, shifted one line down by the header.
    at = -1
    for _ in range(occurrence):
        at = body.index(target, at + 1)
    line = body.count('\n', 0, at) + 2
    column = at - (body.rfind('\n', 0, at) + 1) + 1 + shift
    scope_note = f' scope={scope}' if scope else ''
    header = f'<!-- expect {code} at {line}:{column}{scope_note} -->\n'
    file = f'{index:02d}-{name}.xml'
    with open(file, 'w') as out:
        out.write(header + body)
print(len(DEFECTS))
