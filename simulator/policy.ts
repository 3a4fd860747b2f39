/**
 * The IoT policy every agent certificate gets: connect only as the thing the certificate
 * is attached to (client id = thing name), and publish/subscribe/receive only under that
 * thing's own reserved topics (shadows, jobs). `${iot:Connection.Thing.ThingName}` is a
 * policy variable AWS IoT resolves per connection.
 */
export function agentPolicyDocument(region: string, accountId: string): string {
  const arn = (resource: string) => `arn:aws:iot:${region}:${accountId}:${resource}`;
  const thing = "${iot:Connection.Thing.ThingName}";
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: "iot:Connect",
        Resource: arn(`client/${thing}`),
        Condition: { Bool: { "iot:Connection.Thing.IsAttached": "true" } },
      },
      { Effect: "Allow", Action: ["iot:Publish", "iot:Receive"], Resource: arn(`topic/$aws/things/${thing}/*`) },
      { Effect: "Allow", Action: "iot:Subscribe", Resource: arn(`topicfilter/$aws/things/${thing}/*`) },
    ],
  });
}
