import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { generate } from "selfsigned";

export interface LocalApiServer {
  server: string;
  caData: string;
  /** TLS handshakes completed so far. */
  handshakes(): number;
  authorizations: string[];
  stop(): Promise<void>;
}

/** A tiny HTTPS server answering GET /api/v1/nodes/{name}, counting TLS handshakes. */
export async function startLocalApiServer(): Promise<LocalApiServer> {
  const cert = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    curve: "P-256",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "keyUsage", keyCertSign: true, digitalSignature: true, keyEncipherment: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  let handshakes = 0;
  const authorizations: string[] = [];
  const server: Server = createServer({ key: cert.private, cert: cert.cert }, (request, response) => {
    authorizations.push(request.headers.authorization ?? "");
    const name = /^\/api\/v1\/nodes\/([^/?]+)/.exec(request.url ?? "")?.[1];
    response.setHeader("content-type", "application/json");
    if (name === undefined) {
      response.statusCode = 404;
      response.end(
        JSON.stringify({
          kind: "Status",
          apiVersion: "v1",
          status: "Failure",
          code: 404,
          reason: "NotFound",
        }),
      );
      return;
    }
    const body = JSON.stringify({ kind: "Node", apiVersion: "v1", metadata: { name, resourceVersion: "1" } });
    response.setHeader("content-length", Buffer.byteLength(body));
    response.end(body);
  });
  server.on("secureConnection", () => {
    handshakes += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server: `https://127.0.0.1:${port}`,
    caData: Buffer.from(cert.cert).toString("base64"),
    handshakes: () => handshakes,
    authorizations,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
