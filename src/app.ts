// Builds the app: the middleware chain in its one order, the routers, and the error handlers.
import { timing } from 'hono/timing';
import { authRoutes } from './auth/routes';
import { userRoutes } from './auth/users/routes';
import { d1Bookmark } from './db/client';
import { mountDocs } from './docs/routes';
import { jsonBody } from './http/body';
import { configGuard } from './http/config-guard';
import { cors } from './http/cors';
import { onError } from './http/errors';
import { requestLog } from './http/logger';
import { metrics } from './http/metrics';
import { notFoundHandler } from './http/not-found';
import { createRouter } from './http/openapi';
import { requestId } from './http/request-id';
import { securityHeaders } from './http/security-headers';
import { opsRoutes } from './ops/routes';
import { auditRoutes } from './shop/audit/routes';
import { customerRoutes } from './shop/customers/routes';
import { productImageRoutes, storefrontImageRoutes } from './shop/images/routes';
import { khataRoutes } from './shop/khata/routes';
import { oldGoldRoutes } from './shop/old-gold/routes';
import { pieceRoutes } from './shop/pieces/routes';
import { predictionRoutes, rateForecastRoutes } from './shop/predictions/routes';
import { pricingRoutes } from './shop/pricing/routes';
import { productRoutes } from './shop/products/routes';
import { shopProfileRoutes } from './shop/profile/routes';
import { rateRoutes } from './shop/rates/routes';
import { reportRoutes } from './shop/reports/routes';
import { saleRoutes } from './shop/sales/routes';
import { storefrontRoutes } from './shop/storefront/routes';

export function createApp() {
  const app = createRouter();
  app.use(
    '*',
    metrics,
    requestId,
    requestLog,
    timing({ totalDescription: 'Total' }),
    securityHeaders,
    configGuard,
    cors,
    jsonBody,
    d1Bookmark,
  );

  app.route('/', opsRoutes);
  app.route('/api/v1/auth', authRoutes);
  app.route('/api/v1/shop', shopProfileRoutes);
  app.route('/api/v1/users', userRoutes);
  app.route('/api/v1/products', productRoutes);
  app.route('/api/v1/products', productImageRoutes);
  app.route('/api/v1/pieces', pieceRoutes);
  app.route('/api/v1/storefront', storefrontRoutes);
  app.route('/api/v1/storefront', storefrontImageRoutes);
  app.route('/api/v1/rates', rateRoutes);
  app.route('/api/v1/rates', rateForecastRoutes);
  app.route('/api/v1/audit', auditRoutes);
  app.route('/api/v1/customers', customerRoutes);
  app.route('/api/v1/customers', khataRoutes);
  app.route('/api/v1/pricing', pricingRoutes);
  app.route('/api/v1/sales', saleRoutes);
  app.route('/api/v1/old-gold', oldGoldRoutes);
  app.route('/api/v1/predictions', predictionRoutes);
  app.route('/api/v1/reports', reportRoutes);

  mountDocs(app);
  app.notFound(notFoundHandler(() => app.routes));
  app.onError(onError);
  return app;
}
