/** SQL and XML files imported as text (`with { type: "text" }`): embedded in the compiled binary. */
declare module "*.sql" {
  const text: string;
  export default text;
}
declare module "*.xml" {
  const text: string;
  export default text;
}
